import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { shredReasonContext } from "../src/fhir/shred.js";
import { isAppError } from "../src/kernel/index.js";
import { createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

// Keys-and-backups issue: master key id and rotation date visible to administrators (ENC-3), and crypto-shredding
// of a patient with two different administrators' approval during the retention period (PHR-2, 医師法 §24).
describe("admin routes for keys, backups and crypto-shredding", () => {
  let app: TestApp;
  let admin: SignedInUser;
  let secondAdmin: SignedInUser;
  let doctor: SignedInUser;
  before(async () => {
    app = await startTestApp();
    admin = await app.signedInUser("admin");
    secondAdmin = await app.signedInUser("admin");
    doctor = await app.signedInUser("doctor");
  });
  after(() => app.close());

  async function auditEntries(query: string): Promise<Array<{ action: string; outcome: string; reasonCode?: string }>> {
    const page = await admin.client.get(`/api/audit/entries?${query}`);
    assert.equal(page.status, 200);
    return page.json.entries as Array<{ action: string; outcome: string; reasonCode?: string }>;
  }

  it("shows an administrator the KMS kind, master key id, KEK id and date, and audits the reading (ENC-3)", async () => {
    const response = await admin.client.get("/api/admin/keys");
    assert.equal(response.status, 200);
    const status = app.mamori.keyring.status();
    assert.equal(response.json.kmsKind, status.kmsKind);
    assert.equal(response.json.masterKeyId, status.masterKeyId);
    assert.equal(response.json.kekId, status.kekId);
    assert.equal(response.json.kekCreatedAt, status.kekCreatedAt?.toISOString());
    assert.equal(response.json.lastRotationAt, undefined);
    assert.equal(response.json.pendingRewrap, 0);
    assert.ok(!/wrapped|"key"/i.test(response.text), "no key material in the answer");
    const read = await auditEntries(`accountId=${admin.accountId}&action=keys.status_read`);
    assert.deepEqual(read[0], { ...read[0], action: "keys.status_read", outcome: "success" });
  });

  it("refuses the key status to a doctor with 403 and audits the refusal", async () => {
    const response = await doctor.client.get("/api/admin/keys");
    assert.equal(response.status, 403);
    assert.equal(response.json.code, "access.denied");
    const refused = await auditEntries(`accountId=${doctor.accountId}&action=keys.status_read`);
    assert.deepEqual(refused[0], { ...refused[0], outcome: "denied", reasonCode: "access.no_permission" });
  });

  it("shows an administrator the newest backup, the generations kept and the last restore drill, audited (BAK-1, BAK-2)", async () => {
    const empty = await admin.client.get("/api/admin/backups");
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, { generations: 0, minGenerations: app.config.compliance.backupMinGenerations });

    // Archive names carry their time; the drill is the audit entry `mamori backup drill` writes.
    await mkdir(app.config.backup.dir, { recursive: true });
    for (const name of ["mamori-20260401T010000Z.mbk", "mamori-20260402T010000Z.mbk", "notes.txt"]) await writeFile(path.join(app.config.backup.dir, name), "");
    const drill = { action: "backup.drill", resource: { type: "Backup", id: "mamori-20260402T010000Z.mbk" }, actor: { accountId: "operator" }, network: { ip: "127.0.0.1", userAgent: "mamori-cli" } };
    await app.mamori.audit.record({ ...drill, outcome: "success", reasonCode: "backup.drill_passed" });
    await app.mamori.audit.record({ ...drill, outcome: "failure", reasonCode: "backup.drill_failed" });

    const status = await admin.client.get("/api/admin/backups");
    assert.equal(status.json.newestAt, "2026-04-02T01:00:00.000Z");
    assert.equal(status.json.oldestAt, "2026-04-01T01:00:00.000Z");
    assert.equal(status.json.generations, 2);
    assert.equal(status.json.lastDrill.isPassed, false, "the newest drill counts, and it failed");
    assert.ok(Math.abs(Date.parse(status.json.lastDrill.at) - Date.now()) < 60_000);
    const read = await auditEntries(`accountId=${admin.accountId}&action=backup.status_read`);
    assert.deepEqual(read[0], { ...read[0], action: "backup.status_read", outcome: "success" });
  });

  it("refuses the backup status to a doctor and a security officer with 403", async () => {
    const officer = await app.signedInUser("security_officer");
    for (const user of [doctor, officer]) {
      const response = await user.client.get("/api/admin/backups");
      assert.equal(response.status, 403);
      assert.equal(response.json.code, "access.denied");
    }
    const refused = await auditEntries(`accountId=${doctor.accountId}&action=backup.status_read`);
    assert.deepEqual(refused[0], { ...refused[0], outcome: "denied", reasonCode: "access.no_permission" });
  });

  it("refuses a doctor's approval or shredding with 403", async () => {
    const patientId = await createPatient(doctor);
    assert.equal((await doctor.client.post(`/api/admin/patients/${patientId}/shred-approvals`, { reason: "x" })).status, 403);
    assert.equal((await doctor.client.post(`/api/admin/patients/${patientId}/shred`)).status, 403);
  });

  it("blocks shredding a fresh patient with 409 until two different administrators approve, then the record cannot be read", async () => {
    const patientId = await createPatient(doctor);
    const blocked = await admin.client.post(`/api/admin/patients/${patientId}/shred`);
    assert.equal(blocked.status, 409);
    assert.equal(blocked.json.code, "fhir.shred_blocked");
    assert.equal(blocked.json.resourceType, undefined, "an API error, not an OperationOutcome");

    assert.equal((await admin.client.post(`/api/admin/patients/${patientId}/shred-approvals`, { reason: "本人からの削除請求（個人情報保護法 §35）" })).status, 204);
    assert.equal((await admin.client.post(`/api/admin/patients/${patientId}/shred`)).status, 409);
    // The same administrator approving again is still one approval.
    assert.equal((await admin.client.post(`/api/admin/patients/${patientId}/shred-approvals`, { reason: "再承認" })).status, 204);
    assert.equal((await admin.client.post(`/api/admin/patients/${patientId}/shred`)).status, 409);

    assert.equal((await secondAdmin.client.post(`/api/admin/patients/${patientId}/shred-approvals`, { reason: "二人目の承認" })).status, 204);
    const shredded = await admin.client.post(`/api/admin/patients/${patientId}/shred`);
    assert.equal(shredded.status, 200);
    assert.equal(shredded.json.reasonCode, "fhir.dual_approval");
    assert.ok((shredded.json.dataKeys as number) >= 1);

    const read = await doctor.client.get(`/fhir/R4/Patient/${patientId}`);
    assert.notEqual(read.status, 200);
    const reads = await auditEntries(`patientId=${patientId}&action=fhir.read`);
    assert.ok(reads.length >= 1);
    assert.notEqual(reads[0]!.outcome, "success");
    const shreds = await auditEntries(`patientId=${patientId}&action=fhir.shred`);
    assert.deepEqual(shreds.map((entry) => [entry.outcome, entry.reasonCode]), [
      ["success", "fhir.dual_approval"],
      ["denied", "fhir.shred_blocked"],
      ["denied", "fhir.shred_blocked"],
      ["denied", "fhir.shred_blocked"],
    ]);
  });

  it("answers 400 to an approval without a reason", async () => {
    const patientId = await createPatient(doctor);
    assert.equal((await admin.client.post(`/api/admin/patients/${patientId}/shred-approvals`, { reason: " " })).status, 400);
  });

  // ENC-2: free text that may name a patient is encrypted in the database, bound to its approval.
  it("stores an approval's reason encrypted under the system key, bound to its patient and approver", async () => {
    const patientId = await createPatient(doctor);
    const reason = "本人（試験 花子）からの削除請求";
    assert.equal((await admin.client.post(`/api/admin/patients/${patientId}/shred-approvals`, { reason })).status, 204);
    assert.equal((await secondAdmin.client.post(`/api/admin/patients/${patientId}/shred-approvals`, { reason: "二人目の承認" })).status, 204);
    const stored = async (approverId: string) =>
      (await sql<{ reason: Uint8Array; sealed: boolean }>`select reason, sealed from fhir_shred_approval where patient_id = ${patientId} and approver_id = ${approverId}`.execute(app.mamori.db.kysely)).rows[0]!;
    const row = await stored(admin.accountId);
    assert.equal(row.sealed, true);
    assert.equal(Buffer.from(row.reason).includes(Buffer.from("試験 花子")), false, "no clear text in the row");
    const keyring = app.mamori.keyring;
    assert.equal((await keyring.decrypt(Buffer.from(row.reason), shredReasonContext(patientId, admin.accountId))).toString("utf8"), reason);
    await assert.rejects(keyring.decrypt(Buffer.from(row.reason), shredReasonContext(patientId, secondAdmin.accountId)), (error) => isAppError(error, "crypto.integrity"), "a reason copied to another approval does not decrypt");

    // A reason written in clear before reasons were encrypted (migration 0025) is sealed at start, once.
    await sql`update fhir_shred_approval set reason = convert_to(${reason}, 'UTF8'), sealed = false where patient_id = ${patientId} and approver_id = ${admin.accountId}`.execute(app.mamori.db.kysely);
    assert.equal(await app.mamori.shredding.sealClearReasons(), 1);
    assert.equal(await app.mamori.shredding.sealClearReasons(), 0, "nothing left to seal");
    const resealed = await stored(admin.accountId);
    assert.equal(resealed.sealed, true);
    assert.equal(Buffer.from(resealed.reason).includes(Buffer.from("試験 花子")), false);
    assert.equal((await keyring.decrypt(Buffer.from(resealed.reason), shredReasonContext(patientId, admin.accountId))).toString("utf8"), reason);
  });
});
