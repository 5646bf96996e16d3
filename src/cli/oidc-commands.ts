import { createAudit } from "../audit/index.js";
import type { Config } from "../config/index.js";
import { createKeyring, openKms } from "../crypto/index.js";
import { migrate, openDatabase } from "../db/index.js";
import { rotateOidcSigningKeys } from "../identity/index.js";
import { systemClock } from "../kernel/index.js";

export const oidcUsage = `  mamori oidc rotate-keys     new token signing key (ES256); the previous one stays published until the next rotation
`;

export const isOidcCommand = (command: string | undefined, sub: string | undefined) => command === "oidc" && sub === "rotate-keys";

/**
 * Runs `oidc rotate-keys`; returns the exit code. Running nodes sign with the new key within a minute.
 * @throws {Error} from the database or the KMS.
 */
export async function runOidcCommand(config: Readonly<Config>): Promise<number> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const keyring = await createKeyring({ db, kms: await openKms(config), clock: systemClock });
    const audit = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: config.audit.checkpoints });
    try {
      const kid = await rotateOidcSigningKeys({ db, keyring, clock: systemClock, audit });
      process.stdout.write(`new signing key ${kid}; the previous key stays published until the next rotation\n`);
      return 0;
    } finally {
      await audit.close();
    }
  } finally {
    await db.close();
  }
}
