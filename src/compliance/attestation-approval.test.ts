import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createManualClock } from "../kernel/index.js";
import { startTestApp, type SignedInUser, type TestApp } from "../testing/index.js";

const minuteMs = 60_000;
type ControlView = { id: string; status: string; attestation: { id: string; state: string; approvalValid: boolean } | null; pendingAttestation: { id: string } | null };

const policyDocument = { title: "情報セキュリティ管理規程", reference: "ISMS-001 第3版 総務部保管" };

describe("attestations need a document and a second person (ORG-1, PROV-1)", () => {
  const clock = createManualClock(new Date());
  let app: TestApp;
  let officer: SignedInUser;
  let secondOfficer: SignedInUser;
  let admin: SignedInUser;
  let secondAdmin: SignedInUser;
  let doctor: SignedInUser;

  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_SECURITY_OFFICER_NAME: "情報管理責任者 山田 花子（任命 2026-04-01）" } });
    admin = await app.signedInUser("admin");
    officer = await app.signedInUser("security_officer");
    secondOfficer = await app.signedInUser("security_officer");
    doctor = await app.signedInUser("doctor");
    // Invited by the first administrator like every other account here, but neither invited the officer himself.
    secondAdmin = await app.signedInUser("admin");
  });
  after(() => app.close());

  const control = async (id: string): Promise<ControlView> => ((await officer.client.get("/api/compliance/report")).json.controls as ControlView[]).find((candidate) => candidate.id === id)!;
  const disclosureText = async () => (await officer.client.get("/api/compliance/documents/disclosure/html")).text;

  it("refuses an attestation that names no document", async () => {
    const response = await officer.client.post("/api/compliance/attestations", { controlId: "ORG-2", statement: "教育を実施した", validDays: 365 });
    assert.equal(response.status, 400);
    const blank = await officer.client.post("/api/compliance/attestations", { controlId: "ORG-2", statement: "教育を実施した", validDays: 365, document: { title: "  " } });
    assert.equal(blank.status, 400);
  });

  it("keeps a control the officer alone attested out of 対応: pending shows as 未確認 with its statement and document", async () => {
    assert.equal((await control("INC-1")).status, "not_met");
    const created = await officer.client.post("/api/compliance/attestations", { controlId: "INC-1", statement: "実際の文書は未確認", validDays: 365, document: policyDocument });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.state, "pending");
    const pending = await control("INC-1");
    assert.notEqual(pending.status, "met");
    assert.equal(pending.status, "unknown");
    const html = await disclosureText();
    const line = html.slice(html.indexOf("INC-1"));
    assert.match(line.slice(0, 2000), /未確認/);
    assert.match(line.slice(0, 2000), /実際の文書は未確認/);
    assert.match(line.slice(0, 2000), /情報セキュリティ管理規程/);
    assert.match(line.slice(0, 2000), /承認待ち/);
  });

  it("refuses the attester's own approval, audited as denied", async () => {
    const { attestation } = await control("INC-1");
    const own = await officer.client.post(`/api/compliance/attestations/${attestation!.id}/approve`, {});
    assert.equal(own.status, 403);
    assert.equal(own.json.code, "compliance.own_attestation");
    assert.equal((await control("INC-1")).status, "unknown");
    const entries = await app.mamori.db.kysely.withTables<{ audit_entry: { entry: { action: string; outcome: string; reasonCode?: string } } }>().selectFrom("audit_entry").select("entry").execute();
    assert.ok(entries.some((row) => row.entry.action === "compliance.attestation_approve" && row.entry.outcome === "denied" && row.entry.reasonCode === "compliance.own_attestation"));
  });

  it("refuses approval by a clinician", async () => {
    const { attestation } = await control("INC-1");
    assert.equal((await doctor.client.post(`/api/compliance/attestations/${attestation!.id}/approve`, {})).status, 403);
  });

  it("does not count an approval written into the database by hand: its signature does not verify", async () => {
    const created = await officer.client.post("/api/compliance/attestations", { controlId: "INC-2", statement: "BCPを策定した", validDays: 365, document: { title: "事業継続計画" } });
    assert.equal(created.status, 201, created.text);
    // The officer alone, with database access, names a colleague as approver.
    await sql`update compliance_attestation set approved_by = ${secondOfficer.accountId}, approved_at = now(), approval_key_id = key_id, approval_signature = signature where id = ${created.json.id}`.execute(app.mamori.db.kysely);
    const forged = await control("INC-2");
    assert.equal(forged.attestation?.state, "approved");
    assert.equal(forged.attestation?.approvalValid, false);
    assert.equal(forged.status, "not_met");
  });

  it("asks the approver for a recent second factor", async () => {
    const { attestation } = await control("INC-1");
    clock.advance(6 * minuteMs);
    const stale = await secondOfficer.client.post(`/api/compliance/attestations/${attestation!.id}/approve`, {});
    assert.equal(stale.status, 401);
    assert.equal(stale.json.code, "session.step_up_required");
    assert.equal((await secondOfficer.client.post("/api/auth/reverify", { method: "totp", code: await secondOfficer.totpCode() })).status, 200);
  });

  it("counts the attestation once a second security officer approves it, and prints attester, approver and document", async () => {
    const { attestation } = await control("INC-1");
    const approved = await secondOfficer.client.post(`/api/compliance/attestations/${attestation!.id}/approve`, {});
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.state, "approved");
    assert.equal(approved.json.approvalValid, true);
    assert.equal((await control("INC-1")).status, "met");
    assert.equal((await secondOfficer.client.post(`/api/compliance/attestations/${attestation!.id}/approve`, {})).status, 404);
    const html = await disclosureText();
    const line = html.slice(html.indexOf("INC-1")).slice(0, 2000);
    for (const text of ["実際の文書は未確認", "情報セキュリティ管理規程", "ISMS-001 第3版", `試験 ${officer.email}`, `承認 試験 ${secondOfficer.email}`]) assert.ok(line.includes(text), `disclosure lacks ${text}`);
  });

  it("refuses approval by the administrator who invited the attester: a second account of one's own is not a second person", async () => {
    assert.equal((await admin.client.post("/api/auth/reverify", { method: "totp", code: await admin.totpCode() })).status, 200);
    assert.equal((await officer.client.post("/api/auth/reverify", { method: "totp", code: await officer.totpCode() })).status, 200);
    const created = await officer.client.post("/api/compliance/attestations", { controlId: "ORG-2", statement: "教育を実施した", validDays: 365, document: { title: "研修記録", reference: "2026-05" } });
    assert.equal(created.status, 201, created.text);
    const byInviter = await admin.client.post(`/api/compliance/attestations/${created.json.id}/approve`, {});
    assert.equal(byInviter.status, 403);
    assert.equal(byInviter.json.code, "compliance.approver_appointed_attester");
    assert.notEqual((await control("ORG-2")).status, "met");
    // The next test's codes fall in a later time step: a TOTP code is accepted once.
    clock.advance(31_000);
  });

  it("lets an administrator approve, and keeps the approved attestation in force while a renewal waits", async () => {
    for (const user of [officer, secondAdmin]) assert.equal((await user.client.post("/api/auth/reverify", { method: "totp", code: await user.totpCode() })).status, 200);
    const created = await officer.client.post("/api/compliance/attestations", { controlId: "ORG-1", statement: "情報管理責任者を任命した", validDays: 365, document: { title: "任命書", reference: "2026-04-01" } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await secondAdmin.client.post(`/api/compliance/attestations/${created.json.id}/approve`, {})).status, 200);
    assert.equal((await control("ORG-1")).status, "met");
    clock.advance(minuteMs);
    const renewal = await officer.client.post("/api/compliance/attestations", { controlId: "ORG-1", statement: "後任を任命した", validDays: 365, document: { title: "任命書", reference: "2026-12-01" } });
    const during = await control("ORG-1");
    assert.equal(during.status, "met");
    assert.equal(during.attestation?.id, created.json.id);
    assert.equal(during.pendingAttestation?.id, renewal.json.id);
  });

  it("prints the 情報管理責任者 the organisation configured, not whoever attested ORG-1", async () => {
    const html = await disclosureText();
    const preface = html.slice(0, html.indexOf("1. 事業者とサービスの基本情報"));
    assert.ok(preface.includes("情報管理責任者 山田 花子（任命 2026-04-01）"));
    assert.ok(!preface.includes(`試験 ${officer.email}`));
  });
});
