import { createAudit, type Audit } from "../audit/index.js";
import type { Config } from "../config/index.js";
import { createKeyring, openKms, type Keyring, type KmsProvider } from "../crypto/index.js";
import { migrate, openDatabase, type Database } from "../db/index.js";
import { systemClock } from "../kernel/index.js";

/**
 * Opens what a command-line task needs (database, migrated; KMS; keyring; an audit writer that commits each entry
 * at once), runs it, and closes them in reverse order whatever happens.
 */
export async function withServices<T>(config: Readonly<Config>, run: (services: { db: Database; audit: Audit; kms: KmsProvider; keyring: Keyring }) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const kms = await openKms(config);
    const keyring = await createKeyring({ db, kms, clock: systemClock });
    const audit = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: config.audit.checkpoints });
    try {
      return await run({ db, audit, kms, keyring });
    } finally {
      await audit.close();
    }
  } finally {
    await db.close();
  }
}
