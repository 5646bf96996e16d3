import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createServiceMode } from "../src/incidents/index.js";
import { createManualClock } from "../src/kernel/index.js";
import { buildPatient, createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const dayMs = 86_400_000;
const fhir = { contentType: "application/fhir+json" };

// Incident handling (個人情報保護法 §26 漏えい等報告; MHLW 安全管理ガイドライン: incident response, INC-1).
describe("incident routes", () => {
  const clock = createManualClock(new Date("2026-11-20T01:00:00Z"));
  let app: TestApp;
  let officer: SignedInUser;
  let doctor: SignedInUser;
  let admin: SignedInUser;
  before(async () => {
    app = await startTestApp({ clock });
    officer = await app.signedInUser("security_officer");
    doctor = await app.signedInUser("doctor");
    admin = await app.signedInUser("admin");
  });
  after(() => app.close());

  async function auditActions(accountId: string, action = "incident."): Promise<Array<{ action: string; outcome: string }>> {
    const page = await officer.client.get(`/api/audit/entries?accountId=${accountId}&action=${encodeURIComponent(action)}`);
    assert.equal(page.status, 200, page.text);
    return page.json.entries as Array<{ action: string; outcome: string }>;
  }

  async function openIncident(kind: string, detectedAt = clock.now()): Promise<string> {
    const opened = await officer.client.post("/api/incidents", { title: "不審なログイン（試験）", kind, severity: "high", detectedAt: detectedAt.toISOString() });
    assert.equal(opened.status, 201, opened.text);
    return opened.json.id as string;
  }

  it("lets the security officer open an incident and shows the PPC deadlines with days remaining (60 days for unauthorized access)", async () => {
    const detectedAt = new Date(clock.now().getTime() - dayMs);
    const id = await openIncident("unauthorized_access", detectedAt);
    const detail = await officer.client.get(`/api/incidents/${id}`);
    assert.equal(detail.status, 200);
    const deadlines = detail.json.deadlines as Array<{ kind: string; due: string; latest: string; daysRemaining: number }>;
    assert.deepEqual(
      deadlines.map((deadline) => [deadline.kind, deadline.due, deadline.latest, deadline.daysRemaining]),
      [
        ["ppc_preliminary", new Date(detectedAt.getTime() + 3 * dayMs).toISOString(), new Date(detectedAt.getTime() + 5 * dayMs).toISOString(), 2],
        ["ppc_final", new Date(detectedAt.getTime() + 60 * dayMs).toISOString(), new Date(detectedAt.getTime() + 60 * dayMs).toISOString(), 59],
      ],
    );
    assert.match(detail.json.mhlwContact.name as string, /厚生労働省/);
    const future = await officer.client.post("/api/incidents", { title: "x", kind: "other", severity: "low", detectedAt: new Date(clock.now().getTime() + dayMs).toISOString() });
    assert.equal(future.status, 422);
    assert.equal(future.json.code, "incident.detected_in_future");
    const leak = await officer.client.get(`/api/incidents/${await openIncident("misdelivery")}`);
    assert.equal((leak.json.deadlines as Array<{ daysRemaining: number }>)[1]?.daysRemaining, 30);
  });

  it("refuses incidents to a doctor and an administrator with 403 and audits the refusal", async () => {
    for (const user of [doctor, admin]) {
      assert.equal((await user.client.get("/api/incidents")).status, 403);
      const refused = await user.client.post("/api/incidents", { title: "x", kind: "other", severity: "low", detectedAt: clock.now().toISOString() });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.code, "access.denied");
    }
    const entries = await auditActions(doctor.accountId);
    assert.ok(entries.some((entry) => entry.action === "incident.open" && entry.outcome === "denied"));
  });

  it("keeps a dated, append-only timeline", async () => {
    const id = await openIncident("leak");
    assert.equal((await officer.client.post(`/api/incidents/${id}/notes`, { kind: "note", body: "委託先から連絡あり" })).status, 201);
    clock.advance(60_000);
    assert.equal((await officer.client.post(`/api/incidents/${id}/notes`, { kind: "report", body: "速報を提出" })).status, 201);
    const detail = await officer.client.get(`/api/incidents/${id}`);
    const timeline = detail.json.timeline as Array<{ kind: string; body: string; at: string }>;
    assert.deepEqual(
      timeline.map((note) => [note.kind, note.body]),
      [
        ["note", "委託先から連絡あり"],
        ["report", "速報を提出"],
      ],
    );
    assert.equal(Date.parse(timeline[1]?.at ?? "") - Date.parse(timeline[0]?.at ?? ""), 60_000);
    await assert.rejects(sql`update incident_note set body = 'rewritten' where incident_id = ${id}`.execute(app.mamori.db.kysely), /append-only/);
    await assert.rejects(sql`delete from incident_note where incident_id = ${id}`.execute(app.mamori.db.kysely), /append-only/);
    assert.equal((await officer.client.get(`/api/incidents/00000000-0000-4000-8000-000000000000`)).status, 404);
  });

  it("counts the patients one account accessed in a time window from the audit trail", async () => {
    const from = clock.now();
    const first = await createPatient(doctor);
    const second = await createPatient(doctor);
    assert.equal((await doctor.client.get(`/fhir/R4/Patient/${first}`)).status, 200);
    clock.advance(10 * 60_000);
    const later = await createPatient(doctor);
    const id = await openIncident("unauthorized_access");
    const affected = await officer.client.post(`/api/incidents/${id}/affected-patients`, { accountId: doctor.accountId, from: from.toISOString(), to: new Date(from.getTime() + 5 * 60_000).toISOString() });
    assert.equal(affected.status, 200, affected.text);
    assert.equal(affected.json.count, 2);
    assert.deepEqual(affected.json.patientIds, [first, second].sort());
    assert.ok(!(affected.json.patientIds as string[]).includes(later));
    assert.ok(!/family|given|birthDate/.test(affected.text), "ids only, no demographics");
    const timeline = (await officer.client.get(`/api/incidents/${id}`)).json.timeline as Array<{ body: string }>;
    assert.ok(timeline.some((note) => note.body.startsWith("affected patients: 2")));
    const reversed = await officer.client.post(`/api/incidents/${id}/affected-patients`, { accountId: doctor.accountId, from: clock.now().toISOString(), to: from.toISOString() });
    assert.equal(reversed.status, 422);
    assert.equal(reversed.json.code, "incident.invalid_window");
  });

  it("revokes one account's web sessions, then everyone's except the officer's own", async () => {
    const id = await openIncident("unauthorized_access");
    const one = await officer.client.post(`/api/incidents/${id}/revoke-sessions`, { accountId: doctor.accountId });
    assert.equal(one.status, 200);
    assert.equal(one.json.revoked, 1);
    assert.equal((await doctor.client.get("/api/incidents")).status, 401, "signed out, not merely refused");
    assert.equal((await admin.client.get("/api/admin/keys")).status, 200);
    const all = await officer.client.post(`/api/incidents/${id}/revoke-sessions`, {});
    assert.ok((all.json.revoked as number) >= 1);
    assert.equal((await admin.client.get("/api/admin/keys")).status, 401);
    assert.equal((await officer.client.get("/api/incidents")).status, 200);
    const entries = await auditActions(officer.accountId, "incident.sessions_revoked");
    assert.equal(entries.filter((entry) => entry.outcome === "success").length, 2);
    doctor = await app.signedInUser("doctor");
    admin = await app.signedInUser("admin");
  });

  it("switches the service to read-only: writes get 503 service.read_only as OperationOutcome, reads go on, every node honours it", async () => {
    const patientId = await createPatient(doctor);
    const id = await openIncident("malware");
    const on = await officer.client.request("PUT", "/api/service-mode", { body: { readOnly: true, incidentId: id } });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.json.readOnly, true);

    const refused = await doctor.client.post("/fhir/R4/Patient", buildPatient(), fhir);
    assert.equal(refused.status, 503);
    assert.equal(refused.json.resourceType, "OperationOutcome");
    assert.equal(refused.json.issue[0].details.coding[0].code, "service.read_only");
    assert.equal((await doctor.client.get(`/fhir/R4/Patient/${patientId}`)).status, 200);
    assert.equal((await officer.client.post(`/api/incidents/${id}/notes`, { kind: "action", body: "読み取り専用に切替" })).status, 201);

    // Another node (or a restart) reads the same row: a fresh reader over the same database sees read-only.
    assert.equal((await createServiceMode({ db: app.mamori.db, clock }).current()).readOnly, true);

    assert.equal((await doctor.client.request("PUT", "/api/service-mode", { body: { readOnly: false } })).status, 403);
    const off = await officer.client.request("PUT", "/api/service-mode", { body: { readOnly: false, incidentId: id } });
    assert.equal(off.json.readOnly, false);
    assert.equal((await doctor.client.post("/fhir/R4/Patient", buildPatient(), fhir)).status, 201);
    const actions = (await auditActions(officer.accountId)).map((entry) => entry.action).filter((action) => action.startsWith("incident.read_only"));
    assert.deepEqual(actions.slice(0, 2), ["incident.read_only_off", "incident.read_only_on"]);
  });

  it("lets another node pick up the switch within the cache time", async () => {
    const otherNode = createServiceMode({ db: app.mamori.db, clock });
    assert.equal((await otherNode.current()).readOnly, false);
    assert.equal((await officer.client.request("PUT", "/api/service-mode", { body: { readOnly: true } })).status, 200);
    assert.equal((await otherNode.current()).readOnly, false, "still cached");
    clock.advance(2_000);
    assert.equal((await otherNode.current()).readOnly, true);
    assert.equal((await officer.client.request("PUT", "/api/service-mode", { body: { readOnly: false } })).status, 200);
  });
});
