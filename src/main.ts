import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { createAccess } from "./access/index.js";
import { createAudit, createAuditQuery, startSiemExport, UnverifiableSegmentError, type Audit, type SiemExport } from "./audit/index.js";
import type { Config } from "./config/index.js";
import { createKeyring, openLocalKeyFile, type Keyring } from "./crypto/index.js";
import { migrate, openDatabase, type Database } from "./db/index.js";
import { createRecords } from "./fhir/index.js";
import { buildApp, loadTlsMaterial, oneTimeLink, type TlsMaterial } from "./http/index.js";
import { createIdentity, type Identity } from "./identity/index.js";
import { systemClock, type Clock } from "./kernel/index.js";
import { createSessions } from "./session/index.js";

export interface Mamori {
  app: FastifyInstance;
  db: Database;
  audit: Audit;
  keyring: Keyring;
  identity: Identity;
  tls: TlsMaterial;
  /** The SIEM export loops (none unless configured); their status feeds metrics. */
  siem: SiemExport;
  /** A one-time link to create the first administrator, or undefined when one exists. */
  issueSetupLink(): Promise<{ url: string; expiresAt: Date } | undefined>;
  close(): Promise<void>;
}

export interface MamoriOptions {
  clock?: Clock;
  logger?: Logger;
  /** Throw-away in-memory PGlite instead of the data folder (tests). */
  memoryDatabase?: boolean;
}

const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** Creates the logger: JSON lines, with credentials redacted should any code path ever hand them over. */
export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    redact: { paths: ["*.password", "*.token", "*.code", "*.cookie", "*.authorization", "headers.cookie", "headers.authorization"], censor: "[redacted]" },
  });
}

/** The one place that builds and wires every module (conventions: factories given their dependencies). */
export async function createMamori(config: Readonly<Config>, options: MamoriOptions = {}): Promise<Mamori> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });

  const db = await openDatabase(config, { memory: options.memoryDatabase ?? false });
  try {
    await migrate(db);
    const kms = await openLocalKeyFile(config.masterKeyFile);
    const keyring = await createKeyring({ db, kms, clock });
    const audit = createAudit({
      db,
      keyring,
      clock,
      batchWindowMs: config.audit.batchWindowMs,
      checkpoints: config.audit.checkpoints,
      // A segment that no longer verifies means someone changed the trail: say where, loudly, without content.
      onError: (error) =>
        logger.error({ err: { name: error instanceof Error ? error.name : typeof error }, ...(error instanceof UnverifiableSegmentError ? { seq: error.seq } : {}) }, "audit checkpoint failed"),
    });
    audit.startCheckpoints();
    const access = await createAccess();
    const identity = createIdentity({
      db,
      keyring,
      audit,
      clock,
      passwordPolicy: config.password,
      invitationMs: config.invitationMs,
      setupLinkMs: config.setupLinkMs,
      mayInvite: (principal) => access.decide(principal, "invite_user", { type: "System" }),
    });
    const sessions = createSessions({ db, audit, clock, identity, timeouts: config.session });
    const records = createRecords({ db, keyring, audit, access, clock });
    const auditQuery = createAuditQuery({ db, audit, mayReadAudit: (principal) => access.decide(principal, "read_audit", { type: "System" }) });
    const tls = await loadTlsMaterial(config);
    const app = await buildApp({ config, clock, audit, auditQuery, identity, sessions, records, version }, tls, logger);
    // Started last, so nothing after it can fail and leave a loop running; it resumes from each sink's cursor.
    const siem = await startSiemExport({
      db,
      audit,
      clock,
      settings: config.siem,
      onError: (sink, error, retryInMs) =>
        logger.warn({ sink, reason: error instanceof Error ? error.message : String(error), retryInMs }, "SIEM export failed; resuming from its cursor"),
    });

    return {
      app,
      db,
      audit,
      keyring,
      identity,
      tls,
      siem,
      async issueSetupLink() {
        const issued = await identity.invitations.issueSetupLinkIfNeeded();
        return issued && { url: oneTimeLink(config.publicUrl, "setup", issued.token), expiresAt: issued.expiresAt };
      },
      async close() {
        // Stop taking requests, then let every accepted audit entry reach the database before closing it.
        await app.close();
        await audit.close();
        await siem.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
