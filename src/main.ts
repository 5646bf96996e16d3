import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { createAccess, isScopeCovered, supportedSmartScopes } from "./access/index.js";
import { actorOf, createAudit, createAuditQuery, createPatientHistory, startSiemExport, UnverifiableSegmentError, type Audit, type SiemExport } from "./audit/index.js";
import type { Config } from "./config/index.js";
import { createKeyring, createKeyStatusReader, openKms, type Keyring } from "./crypto/index.js";
import { migrate, openDatabase, type Database } from "./db/index.js";
import { createRecords, createShredding, patientDataKeyId, type Shredding } from "./fhir/index.js";
import { buildApp, loadTlsMaterial, oneTimeLink, type TlsMaterial } from "./http/index.js";
import { createIdentity, createOidc, type Identity, type Oidc } from "./identity/index.js";
import { systemClock, type Clock } from "./kernel/index.js";
import { createSessions } from "./session/index.js";
import { createSanitiserPool, createUploads, type SanitiserPool } from "./uploads/index.js";

export interface Mamori {
  app: FastifyInstance;
  db: Database;
  audit: Audit;
  keyring: Keyring;
  /** Crypto-shredding of a patient (retention rule, dual approval); administrators only. */
  shredding: Shredding;
  identity: Identity;
  /** The OpenID Connect / OAuth 2.0 provider: key rotation, revoking an account's grants, registered clients. */
  oidc: Oidc;
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
  let sanitiserPool: SanitiserPool | undefined;
  try {
    await migrate(db);
    const kms = await openKms(config);
    const keyring = await createKeyring({ db, kms, clock });
    const audit = createAudit({
      db,
      keyring,
      clock,
      batchWindowMs: config.audit.batchWindowMs,
      checkpoints: config.audit.checkpoints,
      retentionYears: config.audit.retentionYears,
      // A segment that no longer verifies means someone changed the trail: say where, loudly, without content.
      onError: (error) =>
        logger.error({ err: { name: error instanceof Error ? error.name : typeof error }, ...(error instanceof UnverifiableSegmentError ? { seq: error.seq } : {}) }, "audit checkpoint failed"),
    });
    audit.startCheckpoints();
    await audit.startRetention();
    const access = await createAccess();
    const records = createRecords({ db, keyring, audit, access, clock });
    const shredding = createShredding({
      db,
      keyring,
      audit,
      clock,
      retentionYears: config.recordRetentionYears,
      mayShred: (principal, action, patientId) => access.decide(principal, action, { type: "Patient", id: patientId }),
    });
    const identity = createIdentity({
      db,
      keyring,
      audit,
      clock,
      passwordPolicy: config.password,
      invitationMs: config.invitationMs,
      setupLinkMs: config.setupLinkMs,
      mayInvite: (principal) => access.decide(principal, "invite_user", { type: "System" }),
      mayInvitePatient: (principal, patientId) => access.decide(principal, "invite_patient", { type: "Patient", id: patientId }),
      patientExists: (patientId) => records.patientExists(patientId),
    });
    const oidc = await createOidc({
      db,
      keyring,
      audit,
      clock,
      settings: { publicUrl: config.publicUrl, accessTokenSeconds: config.oauth.accessTokenSeconds, refreshTokenSeconds: config.oauth.refreshTokenSeconds, sessionSeconds: Math.floor(config.session.absoluteMs / 1000) },
      smartScopes: supportedSmartScopes(),
      isScopeCovered,
      accountOf: (accountId) => identity.accounts.get(accountId),
      mayManageClients: (principal) => access.decide(principal, "manage_oauth_clients", { type: "System" }),
    });
    const sessions = createSessions({ db, audit, clock, identity, timeouts: config.session, patientMfaRequired: config.patientPortal.mfaRequired });
    const auditQuery = createAuditQuery({ db, audit, mayReadAudit: (principal) => access.decide(principal, "read_audit", { type: "System" }) });
    // File sanitising runs in worker threads so a hostile upload cannot stall request handling.
    sanitiserPool = createSanitiserPool({ size: config.uploads.workers, timeoutMs: config.uploads.timeoutMs, limits: config.uploads });
    const uploads = createUploads({
      db,
      keyring,
      audit,
      access,
      clock,
      pool: sanitiserPool,
      settings: config.uploads,
      patientDataKey: (patientId, executor) => patientDataKeyId(executor, patientId),
    });
    const tls = await loadTlsMaterial(config);
    const patientHistory = createPatientHistory({
      db,
      audit,
      mayReadHistory: (principal, patientId) => access.decide(principal, "read_access_history", { type: "Patient", id: patientId }),
      staffNameOf: async (accountId) => (await identity.accounts.get(accountId))?.displayName,
      organisationName: config.organisationName,
      showStaffNames: config.patientPortal.showStaffNames,
    });
    const keyStatus = createKeyStatusReader({
      keyring,
      mayReadKeyStatus: (principal) => access.decide(principal, "read_key_status", { type: "System" }),
      onRead: async ({ principal, outcome, reasonCode }) => {
        await audit.record({ action: "keys.status_read", outcome, reasonCode, actor: actorOf(principal), resource: { type: "KeyStatus" }, network: principal.network });
      },
    });
    const app = await buildApp({ config, clock, audit, auditQuery, patientHistory, identity, sessions, records, uploads, keyStatus, shredding, oidc, version }, tls, logger);
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
      shredding,
      identity,
      oidc,
      tls,
      siem,
      async issueSetupLink() {
        const issued = await identity.invitations.issueSetupLinkIfNeeded();
        return issued && { url: oneTimeLink(config.publicUrl, "setup", issued.token), expiresAt: issued.expiresAt };
      },
      async close() {
        // Stop taking requests, then let every accepted audit entry reach the database before closing it. The
        // database closes even when a step before it fails, so no connection outlives the service.
        try {
          await app.close();
          await uploads.close();
          await audit.close();
          await siem.stop();
        } finally {
          await db.close();
        }
      },
    };
  } catch (error) {
    await sanitiserPool?.close();
    await db.close();
    throw error;
  }
}
