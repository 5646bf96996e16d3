import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const fixtures = path.join(import.meta.dirname, "fixtures/waf");

interface AttackCase { family: string; ruleId: string; testId: string; method: string; uri: string; headers: Record<string, string>; body?: string }
interface InspectionEntry { action: string; outcome: string; inspection: { incidentId: string; score: number; ruleIds: string[]; matches: Array<{ ruleId: string; location: string; valueSha256: string }> } }

async function wafEntries(app: TestApp): Promise<InspectionEntry[]> {
  await app.mamori.audit.flush();
  const rows = await app.mamori.db.kysely
    .withTables<{ audit_entry: { seq: number; entry: InspectionEntry } }>()
    .selectFrom("audit_entry")
    .select(["entry"])
    .orderBy("seq")
    .execute();
  return rows.map((row) => row.entry).filter((entry) => entry.action.startsWith("waf."));
}

function inject(app: TestApp, request: { method: string; url: string; headers?: Record<string, string>; body?: string }) {
  return app.mamori.app.inject({
    method: request.method as "GET",
    url: request.url,
    headers: { origin: app.config.publicUrl.origin, "user-agent": "mamori-test", ...request.headers },
    ...(request.body !== undefined ? { payload: request.body } : {}),
  });
}

// NET-1: in-process request inspection before authentication.
describe("request inspection (WAF)", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  before(async () => {
    app = await startTestApp();
    doctor = await app.signedInUser("doctor");
  });
  after(() => app.close());

  it("blocks every attack of the CRS sample at paranoia level 1", async () => {
    const attacks = JSON.parse(await readFile(path.join(fixtures, "crs-attacks.json"), "utf8")) as AttackCase[];
    assert.equal(attacks.length, 40);
    const passed: string[] = [];
    for (const attack of attacks) {
      const response = await inject(app, { method: attack.method, url: attack.uri, headers: attack.headers, ...(attack.body !== undefined ? { body: attack.body } : {}) });
      if (response.statusCode !== 403 || !response.body.includes("waf.blocked")) passed.push(`${attack.ruleId}-${attack.testId}`);
    }
    assert.deepEqual(passed, []);
  });

  it("lets the official FHIR R4 examples through to the route", async () => {
    const files = (await readdir(path.join(fixtures, "fhir-r4"))).filter((name) => name.endsWith(".json"));
    assert.equal(files.length, 20);
    for (const file of files) {
      const body = await readFile(path.join(fixtures, "fhir-r4", file), "utf8");
      const type = (JSON.parse(body) as { resourceType: string }).resourceType;
      const response = await inject(app, { method: "POST", url: `/fhir/R4/${type}`, headers: { "content-type": "application/fhir+json" }, body });
      assert.doesNotMatch(response.body, /waf\.blocked/, file);
      // Unauthenticated, so the request reaches authentication after inspection; AuditEvent is read-only, so a
      // create is refused as a method before anyone is asked to sign in.
      assert.equal(response.statusCode, type === "AuditEvent" ? 405 : 401, file);
    }
  });

  it("lets a signed-in doctor create and read a patient with Japanese names", async () => {
    const id = await createPatient(doctor);
    const read = await doctor.client.get(`/fhir/R4/Patient/${id}`);
    assert.equal(read.status, 200);
  });

  it("answers a blocked FHIR request with a 403 OperationOutcome carrying an incident id, in the reader's language", async () => {
    const payload = "1 UNION SELECT password FROM account--";
    const response = await doctor.client.get(`/fhir/R4/Patient?name=${encodeURIComponent(payload)}`, { "accept-language": "ja" });
    assert.equal(response.status, 403);
    assert.equal(response.json.resourceType, "OperationOutcome");
    const issue = response.json.issue[0];
    assert.equal(issue.code, "security");
    assert.equal(issue.details.coding[0].code, "waf.blocked");
    assert.match(issue.details.text, /安全のため拒否/);
    const incident = /incident ([0-9A-Za-z-]+)/.exec(issue.diagnostics)?.[1];
    assert.ok(incident, issue.diagnostics);

    const entry = (await wafEntries(app)).find((candidate) => candidate.inspection.incidentId === incident);
    assert.ok(entry);
    assert.equal(entry.action, "waf.block");
    assert.equal(entry.outcome, "denied");
    assert.ok(entry.inspection.ruleIds.some((id) => id.startsWith("942")));
    assert.ok(entry.inspection.score >= 5);
    const digest = createHash("sha256").update(encodeURIComponent(payload)).digest("hex");
    assert.ok(entry.inspection.matches.some((match) => match.location === "query:name" && match.valueSha256 === digest));
    assert.ok(!JSON.stringify(entry).toLowerCase().includes("union"), "the audit entry must not carry the matched value");
  });

  it("answers a blocked API request with an ApiError in English", async () => {
    const response = await inject(app, { method: "POST", url: "/api/auth/login", headers: { "content-type": "application/json", "accept-language": "en" }, body: JSON.stringify({ email: "a@example.test", password: "<script>alert(document.cookie)</script>" }) });
    assert.equal(response.statusCode, 403);
    const body = JSON.parse(response.body);
    assert.equal(body.code, "waf.blocked");
    assert.match(body.message, /refused for security reasons/);
    assert.ok(body.incidentId);
  });

  it("inspects before authentication: an attack with no session is refused as an attack, not as unsigned", async () => {
    const response = await inject(app, { method: "GET", url: "/fhir/R4/Patient/x?file=..%2F..%2F..%2Fetc%2Fpasswd" });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /waf\.blocked/);
  });

  it("refuses request smuggling headers, unserved methods and body media types the path does not accept", async () => {
    const smuggled = await inject(app, { method: "POST", url: "/api/auth/login", headers: { "content-type": "application/json", "transfer-encoding": "gzip, chunked" }, body: "{}" });
    assert.equal(smuggled.statusCode, 403);
    // A media type alone is left to the route's accurate 415; with an attack signal it adds to the score.
    const xml = await inject(app, { method: "POST", url: "/api/auth/login", headers: { "content-type": "application/xml" }, body: "<a/>" });
    assert.equal(xml.statusCode, 415);
    const xmlAttack = await inject(app, { method: "POST", url: "/api/auth/login?next=..%2F..%2Fetc%2Fpasswd", headers: { "content-type": "application/xml" }, body: "<a/>" });
    assert.equal(xmlAttack.statusCode, 403);
    assert.match(xmlAttack.body, /waf\.blocked/);
    const trace = await inject(app, { method: "TRACE", url: "/" });
    assert.equal(trace.statusCode, 403);
  });

  it("inspects form bodies although no route parses them", async () => {
    const response = await inject(app, { method: "POST", url: "/api/oauth/token", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=x&code=1%27%20or%20%271%27%3D%271" });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /waf\.blocked/);
  });
});

describe("request inspection in detect-only mode", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { MAMORI_WAF_MODE: "detect-only" } });
  });
  after(() => app.close());

  it("lets the request through and audits waf.detect", async () => {
    const response = await inject(app, { method: "GET", url: "/fhir/R4/metadata?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E" });
    assert.equal(response.statusCode, 200);
    const entries = await wafEntries(app);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.action, "waf.detect");
    assert.equal(entries[0]!.outcome, "success");
    assert.ok(entries[0]!.inspection.ruleIds.includes("941010"));
    assert.deepEqual([...new Set(entries[0]!.inspection.matches.map((match) => match.location))], ["query:q"]);
  });
});
