import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { writeFile, mkdir } from "node:fs/promises";
import { createServer } from "node:tls";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createDecider, loadPolicies } from "../../access/index.js";
import { createManualClock } from "../../kernel/index.js";
import { buildAuditEntry, startTestApp, type TestApp } from "../../testing/index.js";
import type { CheckContext, ComplianceCheck } from "../check.js";
import { adminMfa } from "./admin-mfa.js";
import { adminNoClinical } from "./admin-no-clinical.js";
import { auditChain } from "./audit-chain.js";
import { auditCheckpointAge } from "./audit-checkpoint-age.js";
import { auditRetention } from "./audit-retention.js";
import { backupAge } from "./backup-age.js";
import { backupGenerations } from "./backup-generations.js";
import { clockSkew } from "./clock-skew.js";
import { dataLocation } from "./data-location.js";
import { disclosureOrganisation } from "./disclosure-organisation.js";
import { dormantAccounts } from "./dormant-accounts.js";
import { encryptionAtRest } from "./encryption-at-rest.js";
import { keyRotation } from "./key-rotation.js";
import { passwordPolicy } from "./password-policy.js";
import { personalIdentity } from "./personal-identity.js";
import { policiesAnnotated } from "./policies-annotated.js";
import { recordsRetention } from "./records-retention.js";
import { restoreDrill } from "./restore-drill.js";
import { runtimeVersion } from "./runtime-version.js";
import { sessionAbsoluteLimit } from "./session-absolute-limit.js";
import { sessionIdleTimeout } from "./session-idle-timeout.js";
import { setupLinks } from "./setup-links.js";
import { siemExport } from "./siem-export.js";
import { staffMfa } from "./staff-mfa.js";
import { tlsProtocols } from "./tls-protocols.js";
import { archiveFileName } from "../../backup/index.js";

const dayMs = 86_400_000;
const status = async (check: ComplianceCheck, context: CheckContext) => (await check.run(context)).status;
const harness = { accountId: "", roles: ["admin"] as const, sessionId: "test-harness", network: { ip: "127.0.0.1", userAgent: "test-harness" } };

/** A staff account that accepted its invitation but never enrolled a second factor. */
async function staffWithoutSecondFactor(app: TestApp, adminId: string, email: string, role: "admin" | "doctor" = "doctor") {
  const issued = await app.mamori.identity.invitations.invite({ ...harness, accountId: adminId, roles: ["admin"] }, { email, role });
  const accepted = await app.client().post("/api/invitations/accept", { token: issued.token, email, displayName: `試験 ${role}`, password: "correct horse battery staple" });
  assert.equal(accepted.status, 200);
}

/** A minimal NTP server on loopback answering with a time `offsetMs` ahead of the app's clock. */
async function ntpServer(offsetMs: number, now: () => number) {
  const socket = createSocket("udp4");
  socket.on("message", (_request, peer) => {
    const answer = Buffer.alloc(48);
    answer[0] = (4 << 3) | 4;
    answer[1] = 2;
    const at = now() + offsetMs;
    const seconds = Math.floor(at / 1000) + 2_208_988_800;
    const fraction = Math.floor(((at % 1000) / 1000) * 2 ** 32);
    for (const offset of [32, 40]) {
      answer.writeUInt32BE(seconds, offset);
      answer.writeUInt32BE(fraction, offset + 4);
    }
    socket.send(answer, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, close: () => socket.close() };
}

describe("compliance checks on a running app", () => {
  const clock = createManualClock(new Date());
  let app: TestApp;
  let context: CheckContext;
  let adminId: string;

  before(async () => {
    app = await startTestApp({ clock });
    context = app.mamori.compliance.checkContext;
    adminId = (await app.signedInUser("admin")).accountId;
    await app.signedInUser("security_officer");
  });
  after(() => app.close());

  it("ENC-1: accepts the app's TLS (1.2 and 1.3 only) and fails a server that accepts TLS 1.0", async () => {
    const good = await tlsProtocols.run(context);
    assert.equal(good.status, "met", good.reason);
    assert.deepEqual(good.evidence["accepted"], ["TLSv1.2", "TLSv1.3"]);
    const legacy = createServer({ cert: app.mamori.tls.cert, key: app.mamori.tls.key, minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" });
    await new Promise<void>((resolve) => legacy.listen(0, "127.0.0.1", resolve));
    try {
      const port = (legacy.address() as { port: number }).port;
      const bad = await tlsProtocols.run({ ...context, tlsTarget: { host: "127.0.0.1", port } });
      assert.equal(bad.status, "not_met", JSON.stringify(bad.evidence));
      assert.ok((bad.evidence["accepted"] as string[]).includes("TLSv1"));
    } finally {
      legacy.close();
    }
  });

  it("ACC-2: the real policy denies administrators clinical data, and a policy set without the forbid is caught", async () => {
    assert.equal(await status(adminNoClinical, context), "met");
    const withoutForbids = (await loadPolicies()).filter((policy) => policy.id !== "admin-never-reads-clinical");
    const permissive = [...withoutForbids, { id: "admin-reads", file: "test.cedar", text: 'permit (principal in Role::"admin", action == Action::"read", resource is Patient);', annotations: {} }];
    assert.equal(await status(adminNoClinical, { ...context, decide: createDecider(permissive) }), "not_met");
    assert.equal(await status(policiesAnnotated, { ...context, policies: permissive }), "partial");
    // The record policies too: without their forbid an administrator who is also a doctor would read the records.
    const withoutRecordForbid = (await loadPolicies()).filter((policy) => policy.id !== "admin-never-reads-patient-records");
    assert.equal(await status(adminNoClinical, { ...context, policies: withoutRecordForbid }), "not_met");
  });

  it("AUTH-2 / AUTH-7: a staff or admin account without a second factor turns the checks not met", async () => {
    assert.equal(await status(staffMfa, context), "met");
    assert.equal(await status(adminMfa, context), "met");
    await staffWithoutSecondFactor(app, adminId, "admin-no-mfa@example.test", "admin");
    assert.equal(await status(staffMfa, context), "not_met");
    assert.equal(await status(adminMfa, context), "not_met");
  });

  it("AUTH-1: a generic mailbox account is not personal", async () => {
    assert.equal(await status(personalIdentity, context), "met");
    await staffWithoutSecondFactor(app, adminId, "info@example.test");
    const result = await personalIdentity.run(context);
    assert.equal(result.status, "not_met");
    assert.equal(result.evidence["withoutPersonalIdentity"], 1);
  });

  it("LOG-2: a changed audit row breaks the chain check", async () => {
    assert.equal(await status(auditChain, context), "met");
    await app.mamori.audit.flush();
    await sql`update audit_entry set entry = jsonb_set(entry, '{outcome}', '"denied"') where seq = 2`.execute(app.mamori.db.kysely);
    const result = await auditChain.run(context);
    assert.equal(result.status, "not_met");
    assert.equal(result.evidence["firstBrokenSeq"], 2);
    await sql`update audit_entry set entry = jsonb_set(entry, '{outcome}', '"success"') where seq = 2`.execute(app.mamori.db.kysely);
    assert.equal(await status(auditChain, context), "met");
  });

  it("LOG-2: a chain that cannot be verified within the budget is unknown, not intact", async () => {
    // More entries than one verification page (5,000), so the budget is looked at before the end.
    await Promise.all(Array.from({ length: 5100 }, (_, n) => app.mamori.audit.record(buildAuditEntry(n + 1))));
    const noBudget = { ...context, config: { ...context.config, compliance: { ...context.config.compliance, checkTimeoutMs: 0 } } };
    const result = await auditChain.run(noBudget);
    assert.equal(result.status, "unknown");
    assert.ok((result.evidence["entriesChecked"] as number) < (result.evidence["entriesTotal"] as number));
  });

  it("BAK-2: no drill is not met; a passed drill is met until it is too old", async () => {
    assert.equal(await status(restoreDrill, context), "not_met");
    await app.mamori.audit.record({ action: "backup.drill", outcome: "success", reasonCode: "backup.drill_passed", actor: { roles: ["operator"] }, resource: { type: "Backup", id: "a" }, network: { ip: "local", userAgent: "test" } });
    assert.equal(await status(restoreDrill, context), "met");
  });

  it("BAK-1: no or old backups are not met; enough recent generations are met", async () => {
    assert.equal(await status(backupAge, context), "not_met");
    assert.equal(await status(backupGenerations, context), "not_met");
    await mkdir(app.config.backup.dir, { recursive: true });
    for (const daysAgo of [0, 1, 2]) await writeFile(`${app.config.backup.dir}/${archiveFileName(new Date(clock.now().getTime() - daysAgo * dayMs))}`, "");
    assert.equal(await status(backupAge, context), "met");
    assert.equal(await status(backupGenerations, context), "met");
  });

  it("SES-1, LOG-1, TRU-3, ENC-2, AUTH-3, UPL-1: default settings", async () => {
    assert.equal(await status(sessionIdleTimeout, context), "met");
    assert.equal(await status(sessionAbsoluteLimit, context), "met");
    assert.equal(await status(auditRetention, context), "met");
    assert.equal(await status(recordsRetention, context), "met");
    // The test app keeps its master key file in the data folder: encryption is on, but the key sits beside the data.
    assert.equal(await status(encryptionAtRest, context), "partial");
    assert.equal(await status(passwordPolicy, context), "partial");
    assert.equal(await status(runtimeVersion, context), "met");
    assert.equal(await status(siemExport, context), "not_met");
    assert.equal(await status(dataLocation, context), "not_met");
    assert.equal(await status(disclosureOrganisation, context), "not_met");
  });

  it("LOG-3: clock skew is met within the limit, not met beyond it, unknown when unset or unreachable", async () => {
    {
      assert.equal(await status(clockSkew, context), "unknown");
      const withServer = (port: number) => ({ ...context, config: { ...context.config, compliance: { ...context.config.compliance, ntpServer: { host: "127.0.0.1", port } } } });
      const accurate = await ntpServer(0, () => clock.now().getTime());
      const skewed = await ntpServer(5000, () => clock.now().getTime());
      try {
        assert.equal(await status(clockSkew, withServer(accurate.port)), "met");
        const result = await clockSkew.run(withServer(skewed.port));
        assert.equal(result.status, "not_met");
        assert.ok(Math.abs((result.evidence["offsetMs"] as number) - 5000) < 500);
      } finally {
        accurate.close();
        skewed.close();
      }
      // Nothing listens there: unknown with the reason, never a guessed result.
      const silent = await clockSkew.run(withServer(9));
      assert.equal(silent.status, "unknown");
    }
  });

  it("AUTH-5 / LOG-2 / AUTH-6 / ENC-3 / BAK: time passing turns the time-bound checks not met", async () => {
    assert.equal(await status(setupLinks, context), "met");
    await app.mamori.identity.invitations.invite({ ...harness, accountId: adminId, roles: ["admin"] }, { email: "never-accepted@example.test", role: "doctor" });
    await app.mamori.audit.checkpointNow();
    assert.equal(await status(auditCheckpointAge, context), "met");
    await app.mamori.audit.record({ action: "test.unsigned", outcome: "success", actor: {}, network: { ip: "local", userAgent: "test" } });
    await app.mamori.audit.flush();
    assert.equal(await status(dormantAccounts, context), "met");
    assert.equal(await status(keyRotation, context), "met");

    clock.advance(400 * dayMs);
    assert.equal(await status(setupLinks, context), "not_met");
    assert.equal(await status(auditCheckpointAge, context), "not_met");
    assert.equal(await status(dormantAccounts, context), "not_met");
    assert.equal(await status(keyRotation, context), "not_met");
    assert.equal(await status(restoreDrill, context), "not_met");
    assert.equal(await status(backupAge, context), "not_met");
  });
});

describe("compliance checks with bad settings", () => {
  let app: TestApp;
  let context: CheckContext;
  before(async () => {
    app = await startTestApp({
      env: {
        MAMORI_SESSION_IDLE_MINUTES: "60",
        MAMORI_SESSION_ABSOLUTE_HOURS: "48",
        MAMORI_AUDIT_RETENTION_YEARS: "3",
        MAMORI_RECORD_RETENTION_YEARS: "3",
        MAMORI_DATA_CENTRE_COUNTRY: "US",
        MAMORI_PROVIDER_CONTACT: "窓口 support@example.test",
        MAMORI_PASSWORD_MIN_LENGTH: "13",
      },
    });
    context = app.mamori.compliance.checkContext;
  });
  after(() => app.close());

  it("SES-1: a long idle timeout and absolute lifetime are not met", async () => {
    const idle = await sessionIdleTimeout.run(context);
    assert.equal(idle.status, "not_met");
    assert.equal(idle.evidence["idleMinutes"], 60);
    assert.equal(await status(sessionAbsoluteLimit, context), "not_met");
  });

  it("LOG-1 / TRU-3: retention shorter than 5 years is not met", async () => {
    assert.equal(await status(auditRetention, context), "not_met");
    assert.equal(await status(recordsRetention, context), "not_met");
  });

  it("PROV-3 / PROV-1 / AUTH-3: data abroad is partial, partly filled provider data is partial, 13 characters is met", async () => {
    assert.equal(await status(dataLocation, context), "partial");
    assert.equal(await status(disclosureOrganisation, context), "partial");
    assert.equal(await status(passwordPolicy, context), "met");
  });
});
