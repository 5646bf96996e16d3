import type { Config } from "../config/index.js";
import { rotateOidcSigningKeys } from "../identity/index.js";
import { systemClock } from "../kernel/index.js";
import { withServices } from "./with-services.js";


/**
 * Runs `oidc rotate-keys`; returns the exit code. Running nodes sign with the new key within a minute.
 * @throws {Error} from the database or the KMS.
 */
export async function runOidcCommand(config: Readonly<Config>): Promise<number> {
  return withServices(config, async ({ db, keyring, audit }) => {
    const kid = await rotateOidcSigningKeys({ db, keyring, clock: systemClock, audit });
    process.stdout.write(`new signing key ${kid}; the previous key stays published until the next rotation\n`);
    return 0;
  });
}
