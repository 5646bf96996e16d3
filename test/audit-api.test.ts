import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

// LOG-1 (who accessed which patient when), LOG-4 (the security officer reviews it), ACC-2 (logs, not records).
describe("audit review API (/api/audit, /fhir/R4/AuditEvent)", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  let officer: SignedInUser;
  let patientId = "";
  const hostileUserAgent = "=HYPERLINK(\"https://attacker.example\",\"click\")";

  before(async () => {
    app = await startTestApp();
    doctor = await app.signedInUser("doctor");
    officer = await app.signedInUser("security_officer");
    const created = await doctor.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json" });
    assert.equal(created.status, 201);
    patientId = created.json.id;
    // The user agent is chosen by the client: a spreadsheet formula in it must not survive into the CSV.
    const read = await doctor.client.get(`/fhir/R4/Patient/${patientId}`, { "user-agent": hostileUserAgent });
    assert.equal(read.status, 200);
  });
  after(() => app.close());

  it("shows the security officer the doctor's read of a patient", async () => {
    const response = await officer.client.get(`/api/audit/entries?patientId=${patientId}`);
    assert.equal(response.status, 200);
    const actions = response.json.entries.map((entry: { action: string }) => entry.action);
    assert.deepEqual(actions, ["fhir.read", "fhir.create"]);
    const [read] = response.json.entries;
    assert.equal(read.accountId, doctor.accountId);
    assert.deepEqual(read.roles, ["doctor"]);
    assert.equal(read.outcome, "success");
    assert.equal(read.patientId, patientId);
    assert.equal(read.ip, "127.0.0.1");
    assert.equal(read.userAgent, hostileUserAgent);
    assert.equal(response.json.nextCursor, undefined);
  });

  it("pages with limit and before, and refuses a limit above 500", async () => {
    const first = await officer.client.get(`/api/audit/entries?patientId=${patientId}&limit=1`);
    assert.equal(first.json.entries.length, 1);
    assert.equal(typeof first.json.nextCursor, "number");
    const second = await officer.client.get(`/api/audit/entries?patientId=${patientId}&limit=1&before=${first.json.nextCursor}`);
    assert.equal(second.json.entries[0].action, "fhir.create");
    assert.equal((await officer.client.get("/api/audit/entries?limit=501")).status, 400);
  });

  it("refuses a doctor (403) and records the refusal for the officer to see", async () => {
    const denied = await doctor.client.get(`/api/audit/entries?patientId=${patientId}`);
    assert.equal(denied.status, 403);
    assert.equal(denied.json.code, "access.denied");
    const trail = await officer.client.get(`/api/audit/entries?accountId=${doctor.accountId}&action=audit.&outcome=denied`);
    assert.equal(trail.json.entries[0].action, "audit.search");
    assert.equal(trail.json.entries[0].patientId, undefined);
  });

  it("asks an anonymous caller to sign in (401)", async () => {
    assert.equal((await app.client().get("/api/audit/entries")).status, 401);
    assert.equal((await app.client().get("/api/audit/entries.csv")).status, 401);
  });

  it("exports CSV with a BOM, a header, one row per entry and formula cells neutralised", async () => {
    const response = await officer.client.get(`/api/audit/entries.csv?patientId=${patientId}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "text/csv; charset=utf-8");
    assert.match(String(response.headers["content-disposition"]), /^attachment; filename="mamori-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    assert.equal(response.headers["cache-control"], "no-store");
    assert.ok(response.text.startsWith("\uFEFF\"seq\",\"recorded_at\",\"action\""));
    const lines = response.text.slice(1).split("\r\n").filter(Boolean);
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /"fhir\.read","success"/);
    assert.ok(lines[1]!.includes(`"'=HYPERLINK(""https://attacker.example"",""click"")"`));
    assert.ok(!lines.some((line) => line.includes(',"=')));
  });

  it("answers the same search as a FHIR searchset Bundle of AuditEvents", async () => {
    const response = await officer.client.get(`/fhir/R4/AuditEvent?patient=Patient/${patientId}&action=fhir.read&date=ge2026-01-01&_count=10`);
    assert.equal(response.status, 200);
    assert.match(String(response.headers["content-type"]), /^application\/fhir\+json/);
    assert.equal(response.json.resourceType, "Bundle");
    assert.equal(response.json.type, "searchset");
    assert.equal(response.json.link[0].relation, "self");
    assert.equal(response.json.entry.length, 1);
    const event = response.json.entry[0].resource;
    assert.equal(event.resourceType, "AuditEvent");
    assert.equal(event.type.code, "rest");
    assert.equal(event.subtype[0].code, "read");
    assert.equal(event.action, "R");
    assert.equal(event.outcome, "0");
    assert.equal(event.agent[0].who.identifier.value, doctor.accountId);
    assert.equal(event.agent[0].network.address, "127.0.0.1");
    assert.equal(event.entity[0].what.reference, `Patient/${patientId}`);
    assert.equal(event.source.observer.display, "Mamori");
    assert.equal(response.json.entry[0].fullUrl, `${app.config.publicUrl.origin}/fhir/R4/AuditEvent/${event.id}`);

    const one = await officer.client.get(`/fhir/R4/AuditEvent/${event.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.json, event);
    assert.equal((await officer.client.get("/fhir/R4/AuditEvent/999999")).status, 404);
  });

  it("links to the next page of a Bundle", async () => {
    const response = await officer.client.get(`/fhir/R4/AuditEvent?patient=${patientId}&_count=1`);
    const next = response.json.link.find((link: { relation: string }) => link.relation === "next");
    assert.ok(next);
    const following = await officer.client.get(new URL(next.url).pathname + new URL(next.url).search);
    assert.equal(following.json.entry[0].resource.subtype[0].code, "create");
  });

  it("refuses AuditEvent to a doctor with a 403 OperationOutcome", async () => {
    const response = await doctor.client.get(`/fhir/R4/AuditEvent?patient=${patientId}`);
    assert.equal(response.status, 403);
    assert.equal(response.json.resourceType, "OperationOutcome");
    assert.equal(response.json.issue[0].details.coding[0].code, "access.denied");
    assert.equal((await doctor.client.get("/fhir/R4/AuditEvent/1")).status, 403);
  });

  // LOG-1: the trail is written by the service alone; the FHIR API offers no way to add, change or remove an entry.
  it("refuses to create, update, patch or delete an AuditEvent with 405 OperationOutcome naming the allowed methods", async () => {
    const event = { resourceType: "AuditEvent", type: { code: "rest" }, recorded: "2026-01-01T00:00:00Z", agent: [{ requestor: true }], source: { observer: { display: "x" } } };
    const attempts = [
      () => officer.client.post("/fhir/R4/AuditEvent", event, { contentType: "application/fhir+json" }),
      () => officer.client.request("PUT", "/fhir/R4/AuditEvent/1", { body: { ...event, id: "1" }, contentType: "application/fhir+json" }),
      () => officer.client.request("PATCH", "/fhir/R4/AuditEvent/1", { body: { ...event, id: "1" }, contentType: "application/fhir+json" }),
      () => officer.client.request("DELETE", "/fhir/R4/AuditEvent/1"),
      () => app.client().request("DELETE", "/fhir/R4/AuditEvent/1", { headers: { origin: app.config.publicUrl.origin } }),
    ];
    for (const attempt of attempts) {
      const response = await attempt();
      assert.equal(response.status, 405, response.text);
      assert.equal(response.headers["allow"], "GET, HEAD");
      assert.equal(response.json.resourceType, "OperationOutcome");
      assert.equal(response.json.issue[0].code, "not-supported");
      assert.equal(response.json.issue[0].details.coding[0].code, "http.method_not_allowed");
    }
    assert.equal((await officer.client.get("/fhir/R4/AuditEvent/1")).status, 200, "reading still works");
  });

  it("answers an unreadable date with a 400 OperationOutcome", async () => {
    const response = await officer.client.get("/fhir/R4/AuditEvent?date=2026-02-30");
    assert.equal(response.status, 400);
    assert.equal(response.json.issue[0].details.coding[0].code, "audit.invalid_filter");
  });

  // ACC-2: whoever reviews the logs still cannot read the record.
  it("lets the security officer and the administrator read the trail but not the patient", async () => {
    const admin = await app.signedInUser("admin");
    assert.equal((await admin.client.get(`/api/audit/entries?patientId=${patientId}`)).status, 200);
    assert.equal((await officer.client.get(`/fhir/R4/Patient/${patientId}`)).status, 404);
    assert.equal((await admin.client.get(`/fhir/R4/Patient/${patientId}`)).status, 404);
  });
});
