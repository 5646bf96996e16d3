import assert from "node:assert/strict";
import tls from "node:tls";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../src/kernel/index.js";
import { buildPatient, startTestApp, type TestApp } from "../src/testing/index.js";

function handshake(port: number, version: tls.SecureVersion): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, minVersion: version, maxVersion: version, rejectUnauthorized: false, ciphers: "DEFAULT:@SECLEVEL=0" });
    socket.once("secureConnect", () => {
      const protocol = socket.getProtocol() ?? "";
      socket.end();
      resolve(protocol);
    });
    socket.once("error", reject);
  });
}

/** Connects with TLS 1.2 and asks to renegotiate; what became of the request. */
function renegotiate(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", port, minVersion: "TLSv1.2", maxVersion: "TLSv1.2", rejectUnauthorized: false });
    const done = (outcome: string) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once("error", (error: NodeJS.ErrnoException) => done(`refused: ${error.code}`));
    socket.once("close", () => done("closed"));
    socket.once("secureConnect", () => {
      socket.renegotiate({ rejectUnauthorized: false }, (error) => done(error ? `refused: ${error.message}` : "renegotiated"));
      // Data makes the server read the renegotiation request and answer it.
      socket.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    });
  });
}

describe("HTTPS front door", () => {
  const clock = createManualClock();
  let app: TestApp;
  let port: number;
  before(async () => {
    app = await startTestApp({ clock });
    port = Number(new URL(app.baseUrl).port);
  });
  after(() => app.close());

  // ENC-1: TLS 1.2 or later only.
  it("accepts TLS 1.3 and 1.2 and refuses TLS 1.1 and 1.0", async () => {
    assert.equal(await handshake(port, "TLSv1.3"), "TLSv1.3");
    assert.equal(await handshake(port, "TLSv1.2"), "TLSv1.2");
    await assert.rejects(handshake(port, "TLSv1.1"));
    await assert.rejects(handshake(port, "TLSv1"));
  });

  // ENC-1 (IPA TLS 暗号設定ガイドライン): a client-initiated renegotiation is a cheap way to make the server work.
  it("refuses a TLS 1.2 client's renegotiation", async () => {
    const outcome = await renegotiate(port);
    assert.match(outcome, /^refused|^closed$/, outcome);
    assert.equal((await app.client().get("/health/live")).status, 200, "the server goes on serving");
  });

  it("sends HSTS and a strict content security policy with no inline script", async () => {
    const response = await app.client().get("/fhir/R4/metadata");
    assert.equal(response.status, 200);
    assert.match(String(response.headers["strict-transport-security"]), /max-age=63072000; includeSubDomains/);
    const csp = String(response.headers["content-security-policy"]);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    // Only the chart's in-memory PDF viewer is framed.
    assert.match(csp, /frame-src blob:;/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(response.headers["x-content-type-options"], "nosniff");
    assert.equal(response.headers["referrer-policy"], "no-referrer");
    assert.equal(response.headers["cache-control"], "no-store");
  });

  it("serves a CapabilityStatement naming exactly what is implemented", async () => {
    const response = await app.client().get("/fhir/R4/metadata");
    assert.equal(response.json.resourceType, "CapabilityStatement");
    assert.equal(response.json.fhirVersion, "4.0.1");
    const resources = response.json.rest[0].resource as Array<{ type: string; interaction: Array<{ code: string }>; searchParam?: Array<{ name: string }> }>;
    assert.deepEqual(
      resources.map((r) => r.type),
      ["Patient", "Practitioner", "PractitionerRole", "Organization", "CareTeam", "Encounter", "Observation", "DiagnosticReport", "Condition", "AllergyIntolerance", "MedicationRequest", "DocumentReference", "Consent", "Provenance", "Binary", "AuditEvent"],
    );
    assert.deepEqual(
      resources[0]!.interaction.map((i) => i.code),
      ["read", "vread", "update", "delete", "history-instance", "history-type", "create", "search-type"],
    );
    assert.deepEqual(resources.find((r) => r.type === "Binary")!.interaction, [{ code: "read" }, { code: "create" }]);
    const auditEvent = resources.find((r) => r.type === "AuditEvent")!;
    assert.deepEqual(auditEvent.interaction, [{ code: "read" }, { code: "search-type" }]);
    assert.deepEqual(auditEvent.searchParam!.map((p) => p.name), ["patient", "agent", "action", "outcome", "date"]);
    assert.deepEqual(response.json.rest[0].interaction, [{ code: "transaction" }]);
  });

  it("sets the session cookie HttpOnly, Secure, SameSite=Strict with the __Host- prefix", async () => {
    const doctor = await app.signedInUser("doctor");
    const fresh = app.client();
    const login = await fresh.post("/api/auth/login", { email: doctor.email, password: doctor.password });
    const cookie = String(login.headers["set-cookie"]);
    assert.match(cookie, /^__Host-mamori_session=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /Secure/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Domain=/i);
  });

  it("refuses a cookie-authenticated write from another origin (CSRF)", async () => {
    const doctor = await app.signedInUser("doctor");
    const foreign = await doctor.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json", headers: { origin: "https://attacker.example" } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json.issue[0].details.coding[0].code, "http.cross_origin_refused");
    const crossSite = await doctor.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json", headers: { "sec-fetch-site": "cross-site" } });
    assert.equal(crossSite.status, 403);
  });

  it("refuses JSON that tries prototype poisoning", async () => {
    const doctor = await app.signedInUser("doctor");
    const poisoned = await doctor.client.post("/fhir/R4/Patient", '{"resourceType":"Patient","__proto__":{"isAdmin":true}}', { contentType: "application/fhir+json" });
    assert.equal(poisoned.status, 400);
    assert.equal(poisoned.json.resourceType, "OperationOutcome");
  });

  it("does not say whether an e-mail address has an account", async () => {
    const doctor = await app.signedInUser("doctor");
    const wrongPassword = await app.client().post("/api/auth/login", { email: doctor.email, password: "not the password at all" });
    const noAccount = await app.client().post("/api/auth/login", { email: "nobody@example.test", password: "not the password at all" });
    assert.equal(wrongPassword.status, 401);
    assert.deepEqual(wrongPassword.json, noAccount.json);
  });

  it("answers Japanese by default and English when asked", async () => {
    const ja = await app.client().get("/fhir/R4/Patient/00000000-0000-4000-8000-000000000000");
    const en = await app.client().get("/fhir/R4/Patient/00000000-0000-4000-8000-000000000000", { "accept-language": "en-US,en;q=0.9" });
    assert.equal(ja.json.issue[0].diagnostics, "ログインしてください。");
    assert.equal(en.json.issue[0].diagnostics, "Please sign in.");
  });
});

// SES-1: automatic log-off after inactivity, an absolute limit, and sign-out that ends the session server-side.
describe("browser session limits", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_SESSION_IDLE_MINUTES: "15", MAMORI_SESSION_ABSOLUTE_HOURS: "1" } });
  });
  after(() => app.close());

  it("ends a session after 15 minutes without a request", async () => {
    const doctor = await app.signedInUser("doctor");
    clock.advance(14 * 60_000);
    assert.equal((await doctor.client.get("/api/session")).json.stage, "active");
    clock.advance(14 * 60_000);
    assert.equal((await doctor.client.get("/api/session")).json.stage, "active");
    clock.advance(15 * 60_000);
    const expired = await doctor.client.get("/fhir/R4/Patient/00000000-0000-4000-8000-000000000000");
    assert.equal(expired.status, 401);
    assert.equal(expired.json.issue[0].details.coding[0].code, "session.expired");
    assert.equal((await doctor.client.get("/api/session")).json.stage, "anonymous");
  });

  it("ends an active session at the absolute limit", async () => {
    const doctor = await app.signedInUser("doctor");
    for (let minutes = 0; minutes < 60; minutes += 10) {
      assert.equal((await doctor.client.get("/api/session")).json.stage, "active");
      clock.advance(10 * 60_000);
    }
    assert.equal((await doctor.client.get("/api/session")).json.stage, "anonymous");
  });

  it("makes the cookie worthless after sign-out", async () => {
    const doctor = await app.signedInUser("doctor");
    const stolenCookie = [...doctor.client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    assert.equal((await doctor.client.post("/api/auth/logout")).status, 204);
    const replay = await app.client().get("/api/session", { cookie: stolenCookie });
    assert.equal(replay.json.stage, "anonymous");
  });

  it("refuses a TOTP code used before, even within its time step", async () => {
    const doctor = await app.signedInUser("doctor");
    clock.advance(30_000);
    const first = app.client();
    await first.post("/api/auth/login", { email: doctor.email, password: doctor.password });
    const code = await doctor.totpCode();
    assert.equal((await first.post("/api/auth/totp/verify", { code })).status, 200);
    const second = app.client();
    await second.post("/api/auth/login", { email: doctor.email, password: doctor.password });
    const replayed = await second.post("/api/auth/totp/verify", { code });
    assert.equal(replayed.status, 401);
    assert.equal(replayed.json.code, "identity.invalid_totp");
  });

  it("ends the sign-in after five wrong codes", async () => {
    const doctor = await app.signedInUser("doctor");
    const attacker = app.client();
    await attacker.post("/api/auth/login", { email: doctor.email, password: doctor.password });
    for (let attempt = 1; attempt <= 4; attempt += 1) assert.equal((await attacker.post("/api/auth/totp/verify", { code: "000000" })).json.code, "identity.invalid_totp");
    assert.equal((await attacker.post("/api/auth/totp/verify", { code: "000000" })).json.code, "session.required");
    clock.advance(30_000);
    assert.equal((await attacker.post("/api/auth/totp/verify", { code: await doctor.totpCode() })).status, 401);
  });

  it("lets a setup link create exactly one administrator", async () => {
    const fresh = await startTestApp();
    try {
      const token = new URL(await fresh.createSetupLink()).hash.replace("#token=", "");
      const body = { token, email: "first-admin@example.test", displayName: "管理者", password: "a long enough passphrase" };
      assert.equal((await fresh.client().post("/api/invitations/accept", body)).status, 200);
      const again = await fresh.client().post("/api/invitations/accept", { ...body, email: "second@example.test" });
      assert.equal(again.status, 404);
      assert.equal(again.json.code, "identity.invitation_invalid");
    } finally {
      await fresh.close();
    }
  });
});
