import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { createAccess, createAccessManagement, isScopeCovered, supportedSmartScopes } from "./access/index.js";
import { actorOf, createAffectedPatients, createAudit, createAuditProofs, createAuditQuery, createPatientHistory, startSiemExport, UnverifiableCheckpointError, UnverifiableSegmentError, type Audit, type SiemExport } from "./audit/index.js";
import { createBackupStatusReader } from "./backup/index.js";
import { createCompliance, type Compliance } from "./compliance/index.js";
import { complianceTlsTarget } from "./compliance/tls-target.js";
import type { Config } from "./config/index.js";
import { createKeyring, createKeyStatusReader, openKms, type Keyring } from "./crypto/index.js";
import { migrate, openDatabase, type Database } from "./db/index.js";
import { addressChangedBy, createRecords, createSearchIndex, emailOnRecord, createShredding, openPageToken, patientDataKeyId, sealPageToken, type PageTokens, type Records, type Shredding } from "./fhir/index.js";
import { buildApp, loadTlsMaterial, oneTimeLink, type TlsMaterial } from "./http/index.js";
import { createIdentity, createOidc, type Identity, type Oidc } from "./identity/index.js";
import { createIncidents, createServiceMode } from "./incidents/index.js";
import { createMailer } from "./mail/index.js";
import { createIds, type Ids } from "./ids/index.js";
import { AppError, systemClock, type Clock } from "./kernel/index.js";
import { createDatabaseCounterStore, createRateLimiter, createRedisCounterStore } from "./rate-limit/index.js";
import { createRedisConnection, type RedisConnection } from "./redis/index.js";
import { createSessions } from "./session/index.js";
import { createSupplyChain, type SupplyChain } from "./supply-chain/index.js";
import { createSanitiserPool, createUploads, type SanitiserPool } from "./uploads/index.js";
import { createMetrics, type Metrics } from "./ops/metrics.js";
import { isMetricsConfigured } from "./ops/metrics-access.js";
import { createReadiness, type Readiness } from "./ops/readiness.js";

export interface Mamori {
  app: FastifyInstance;
  db: Database;
  audit: Audit;
  keyring: Keyring;
  /** Medical records: every call authorizes the principal, encrypts or decrypts, and audits (in-process loads use it). */
  records: Records;
  /** Crypto-shredding of a patient (retention rule, dual approval); administrators only. */
  shredding: Shredding;
  identity: Identity;
  /** The OpenID Connect / OAuth 2.0 provider: key rotation, revoking an account's grants, registered clients. */
  oidc: Oidc;
  tls: TlsMaterial;
  /** The SIEM export loops (none unless configured); their status feeds metrics. */
  siem: SiemExport;
  /** SBOM (cached, regenerated when older than MAMORI_SBOM_MAX_AGE_HOURS) and end-of-life status, for reports. */
  supplyChain: SupplyChain;
  /** Control catalogue, live checks, attestations, report and サービス仕様適合開示書. */
  compliance: Compliance;
  /** Intrusion detection over the audit trail: engine, alerts, automatic responses, webhook. */
  ids: Ids;
  /** Readiness for the load balancer (GET /health/ready); close() turns it to 503 first. */
  readiness: Readiness;
  /** This node's Prometheus metrics (GET /metrics). */
  metrics: Metrics;
  /** A one-time link to create the first administrator, or undefined when one exists. */
  issueSetupLink(): Promise<{ url: string; expiresAt: Date } | undefined>;
  close(): Promise<void>;
}

export interface MamoriOptions {
  clock?: Clock;
  logger?: Logger;
  /** Throw-away in-memory PGlite instead of the data folder (tests). */
  memoryDatabase?: boolean;
  /** The archived data folder the in-memory database starts from (a migrated template; tests). */
  memoryDatabaseStart?: Blob;
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

  const db = await openDatabase(config, { memory: options.memoryDatabase ?? false, startFrom: options.memoryDatabaseStart });
  // Lazy: nothing connects until a counter is first used, so start-up never waits for Redis.
  const redis: RedisConnection | undefined = config.redisUrl ? createRedisConnection(config.redisUrl, logger) : undefined;
  let sanitiserPool: SanitiserPool | undefined;
  // What has started so far, stopped in reverse order when a later step fails (the database gone mid-way through
  // start-up, for one): a start that is tried again must not leave timers of the failed one running.
  const startedSoFar: Array<() => unknown> = [];
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
        logger.error({ err: { name: error instanceof Error ? error.name : typeof error }, ...(error instanceof UnverifiableSegmentError || error instanceof UnverifiableCheckpointError ? { seq: error.seq } : {}) }, "audit checkpoint failed"),
      // A witness outside the database and the checkpoint folder: the newest digest a log collector kept must be a
      // checkpoint that verify still accepts (docs/architecture.md, what catches what).
      onCheckpoint: (signed) => logger.info({ auditCheckpoint: signed }, "audit checkpoint signed"),
    });
    startedSoFar.push(() => audit.close());
    audit.startCheckpoints();
    await audit.startRetention();
    const access = await createAccess({ networks: config.networks, db, clock });
    const fhirBaseUrl = new URL("/fhir/R4", config.publicUrl).toString();
    const searchIndex = createSearchIndex({ keyring });
    const records = createRecords({ db, keyring, audit, access, clock, search: searchIndex, baseUrl: fhirBaseUrl });
    const pageTokens: PageTokens = {
      seal: (accountId, state) => sealPageToken({ keyring, clock }, accountId, state),
      open: (accountId, token) => openPageToken({ keyring, clock }, accountId, token),
    };
    const shredding = createShredding({
      db,
      keyring,
      audit,
      clock,
      retentionYears: config.recordRetentionYears,
      searchIndex,
      mayShred: (principal, action, patientId) => access.decide(principal, action, { type: "Patient", id: patientId }),
    });
    const mailer = createMailer(config.mail);
    startedSoFar.push(() => mailer.close());
    // Said once at start, so an operator knows where invitation mail goes (never the SMTP credentials).
    logger.info(mailer.route.kind === "smtp" ? { mail: "smtp", host: mailer.route.host } : { mail: "pickup", dir: mailer.route.dir }, "outgoing mail route");
    const identity = createIdentity({
      db,
      keyring,
      audit,
      clock,
      passwordPolicy: config.password,
      lockoutPolicy: config.lockout,
      mayUnlock: (principal) => access.decide(principal, "unlock_account", { type: "System" }),
      dormantDays: config.dormantDays,
      mayManage: (principal, action) => access.decide(principal, action, { type: "System" }),
      mayChangeRoles: (principal, action, context) => access.decide(principal, action, { type: "System" }, context),
      roleRequestMs: config.roleRequestMs,
      mayReview: (principal, action) => access.decide(principal, action, { type: "System" }),
      invitationMs: config.invitationMs,
      setupLinkMs: config.setupLinkMs,
      mayInvite: (principal) => access.decide(principal, "invite_user", { type: "System" }),
      patientInvitations: {
        mayInvitePatient: (principal, patientId) => access.decideInCare(principal, "invite_patient", patientId),
        patientExists: (patientId) => records.patientExists(patientId),
        patientEmailOf: async (principal, patientId) => {
          const email = emailOnRecord((await records.read(principal, "Patient", patientId)).resource)?.trim().toLowerCase();
          // The link goes to this address: one the inviter himself put on the record needs another person to invite.
          if (email && addressChangedBy(await records.history(principal, "Patient", patientId), email) === principal.accountId) throw new AppError("identity.invitation_address_by_inviter");
          return email;
        },
        sendMail: (mail) => mailer.send(mail),
        invitationLink: (token) => oneTimeLink(config.publicUrl, "invite", token),
        organisationName: config.organisationName,
      },
      mayAcceptInvitation: (role, origin) => access.decide({ accountId: "invitee", roles: [role], network: origin }, "accept_invitation", { type: "System" }),
      mayManageInvitations: (principal, action) => access.decide(principal, action, { type: "System" }),
      relyingParty: { id: config.publicUrl.hostname, origin: config.publicUrl.origin, name: config.organisationName },
      patientMfaRequired: config.patientPortal.mfaRequired,
    });
    const ids = createIds({
      db,
      audit,
      clock,
      settings: config.ids,
      signInStepMs: config.session.signInStepMs,
      may: (principal, action) => access.decide(principal, action, { type: "System" }),
      onError: (what, error) => logger.warn({ what, reason: error instanceof Error ? error.message : String(error) }, "intrusion detection failed; retrying"),
    });
    const sessions = createSessions({
      db,
      audit,
      clock,
      identity,
      timeouts: config.session,
      patientMfaRequired: config.patientPortal.mfaRequired,
      mayManageSessions: (principal) => access.decide(principal, "manage_sessions", { type: "System" }),
      isAccountLocked: (accountId) => ids.checks.isAccountLocked(accountId),
    });
    // Hourly: a dormant account is disabled within an hour of crossing MAMORI_DORMANT_DAYS.
    const stopDormantSweep = identity.lifecycle.startDormantSweep(3_600_000, (error) =>
      logger.error({ err: { name: error instanceof Error ? error.name : typeof error } }, "dormant-account sweep failed"),
    );
    startedSoFar.push(stopDormantSweep);
    const oidc = await createOidc({
      db,
      keyring,
      audit,
      clock,
      settings: { publicUrl: config.publicUrl, accessTokenSeconds: config.oauth.accessTokenSeconds, refreshTokenSeconds: config.oauth.refreshTokenSeconds, sessionSeconds: Math.floor(config.session.absoluteMs / 1000) },
      smartScopes: supportedSmartScopes(),
      isScopeCovered,
      // An account locked by an automatic response loses its bearer tokens' effect too, not only its web sessions.
      accountOf: async (accountId) => {
        const account = await identity.accounts.get(accountId);
        return account && (await ids.checks.isAccountLocked(accountId)) ? { ...account, status: "disabled" as const } : account;
      },
      mayManageClients: (principal) => access.decide(principal, "manage_oauth_clients", { type: "System" }),
    });
    // Deactivation and the dormant sweep end OAuth grants at once, as they end web sessions (AUTH-6).
    identity.lifecycle.onDeactivated(async ({ accountId, reasonCode }) => {
      await oidc.revokeAllGrantsOf(accountId, reasonCode);
    });
    // So does losing a role: a token issued under the old roles must not outlive them.
    identity.roleChanges.onRolesRemoved(async ({ accountId }) => {
      await oidc.revokeAllGrantsOf(accountId, "identity.roles_removed");
    });
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
    const auditProofs = createAuditProofs({ db, clock, keyring, audit, patientHistory, mayReadAudit: (principal) => access.decide(principal, "read_audit", { type: "System" }) });
    const keyStatus = createKeyStatusReader({
      keyring,
      mayReadKeyStatus: (principal) => access.decide(principal, "read_key_status", { type: "System" }),
      onRead: async ({ principal, outcome, reasonCode }) => {
        await audit.record({ action: "keys.status_read", outcome, reasonCode, actor: actorOf(principal), resource: { type: "KeyStatus" }, network: principal.network });
      },
    });
    const backupStatus = createBackupStatusReader({
      db,
      audit,
      dir: config.backup.dir,
      minGenerations: config.compliance.backupMinGenerations,
      mayReadBackupStatus: (principal) => access.decide(principal, "read_backup_status", { type: "System" }),
    });
    let lastLimiterWarning = 0;
    const rateLimiter = createRateLimiter({
      store: redis ? createRedisCounterStore(() => redis.client()) : createDatabaseCounterStore(db.kysely),
      clock,
      policies: config.rateLimits,
      audit,
      // Once a minute at most: an unreachable Redis would otherwise log on every request.
      onError: (error) => {
        if (Date.now() - lastLimiterWarning < 60_000) return;
        lastLimiterWarning = Date.now();
        logger.warn({ reason: error instanceof Error ? error.name : typeof error }, "rate-limit counters unavailable; requests let through");
      },
    });
    const incidents = createIncidents({
      db,
      audit,
      clock,
      serviceMode: createServiceMode({ db, clock }),
      affectedPatients: createAffectedPatients({ db }),
      mayManageIncidents: (principal) => access.decide(principal, "manage_incidents", { type: "System" }),
      revokeSessions: (filter, reason) => sessions.sessions.revokeAll(filter, reason),
    });
    const compliance = await createCompliance({ db, config, clock, audit, keyring, access, version, tlsTarget: complianceTlsTarget(config), refreshTokenPolicy: oidc.refreshTokenPolicy });
    const readiness = createReadiness({ db, audit, ...(redis ? { redisPing: () => redis.client().ping() } : {}) });
    const metrics = createMetrics({ db, audit, idsRules: ids.rules });
    if (!isMetricsConfigured(config.metrics)) logger.info("metrics are off: GET /metrics answers 404 until MAMORI_METRICS_NETWORKS or MAMORI_METRICS_TOKEN is set");
    const operations = { readiness, metrics };
    const accessManagement = createAccessManagement({
      db,
      audit,
      keyring,
      clock,
      decide: (principal, action, target, context) => access.decide(principal, action, target, context),
      breakGlassMs: config.breakGlassMs,
      patientExists: (patientId) => records.patientExists(patientId),
      recordAuthorizer: (principal) => access.recordAuthorizer(principal),
    });
    // Break-glass reasons and notes written before they were encrypted (migration 0023) are sealed now.
    await accessManagement.sealClearTexts();
    // So are the reasons for early shredding written before they were (migration 0025).
    await shredding.sealClearReasons();
    const app = await buildApp({ config, clock, audit, auditQuery, patientHistory, auditProofs, identity, sessions, records, pageTokens, uploads, keyStatus, backupStatus, shredding, compliance, version, rateLimiter, incidents, ids, oidc, operations, accessManagement }, tls, logger);
    startedSoFar.push(() => app.close());
    // Started last, so nothing after it can fail and leave a loop running; it resumes from each sink's cursor.
    const siem = await startSiemExport({
      db,
      audit,
      clock,
      settings: config.siem,
      onError: (sink, error, retryInMs) =>
        logger.warn({ sink, reason: error instanceof Error ? error.message : String(error), retryInMs }, "SIEM export failed; resuming from its cursor"),
    });
    // Resumes from its stored cursor; on several nodes the one holding the cursor row evaluates, the others wait.
    ids.start();

    return {
      app,
      db,
      audit,
      keyring,
      records,
      shredding,
      identity,
      oidc,
      tls,
      siem,
      supplyChain: createSupplyChain({ db, clock, sbomFile: config.supplyChain.sbomFile, sbomMaxAgeMs: config.supplyChain.sbomMaxAgeMs }),
      compliance,
      ids,
      readiness,
      metrics,
      async issueSetupLink() {
        const issued = await identity.invitations.issueSetupLinkIfNeeded();
        return issued && { url: oneTimeLink(config.publicUrl, "setup", issued.token), expiresAt: issued.expiresAt };
      },
      async close() {
        // Stop taking requests, then let every accepted audit entry reach the database before closing it. The
        // database closes even when a step before it fails, so no connection outlives the service.
        try {
          // Readiness fails first, so a load balancer stops sending here while the requests in flight finish.
          readiness.beginShutdown();
          if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
          await app.close();
          mailer.close();
          stopDormantSweep();
          await uploads.close();
          await ids.stop();
          await audit.close();
          await siem.stop();
          await redis?.close();
        } finally {
          await db.close();
        }
      },
    };
  } catch (error) {
    for (const stop of startedSoFar.reverse()) await Promise.resolve().then(stop).catch(() => undefined);
    await sanitiserPool?.close();
    await redis?.close();
    await db.close();
    throw error;
  }
}
