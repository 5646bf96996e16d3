import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { renderEndpointsDoc } from "../src/http/index.js";
import { isCompletePolicy } from "../src/http/route-policy.js";
import { createManualClock } from "../src/kernel/index.js";
import { startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

// Counters kept in the database outlive nothing here, but each window must be this test's own.
const clock = createManualClock(new Date(Date.UTC(2032, 0, 1)));

/** A request from an address of the test's choosing, with the Origin a browser sends on writes. */
function inject(app: TestApp, method: "GET" | "POST", url: string, options: { remoteAddress?: string; body?: unknown; cookie?: string } = {}) {
  return app.mamori.app.inject({
    method,
    url,
    remoteAddress: options.remoteAddress ?? "192.0.2.200",
    headers: {
      "accept-language": "en",
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(method === "POST" ? { origin: app.baseUrl, "content-type": "application/json" } : {}),
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
}

function cookieOf(user: SignedInUser): string {
  return [...user.client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
}

// NET-1 and AUTH-7: every check is chosen by the route the router matched, so a path spelt with percent-escapes
// (which the router decodes before matching) meets the same rate limits, inspection and error format.
describe("route policies", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_RATE_LIMIT_IP: "1000/60s", MAMORI_RATE_LIMIT_AUTH: "4/60s", MAMORI_RATE_LIMIT_ACCOUNT: "5/60s" } });
    // Each sign-up takes three requests of the sign-in budget: a window of its own for each.
    await app.signedInUser("admin");
    clock.advance(60_000);
    doctor = await app.signedInUser("doctor");
  });
  after(() => app.close());

  /** Moves the clock to the start of the next minute, where every window of this app begins afresh. */
  function nextWindow(): void {
    clock.advance(60_000 - (clock.now().getTime() % 60_000));
  }

  it("declares a complete policy on every registered route", () => {
    const routes = app.mamori.app.declaredRoutes();
    assert.ok(routes.length > 100, `only ${routes.length} routes collected`);
    const undeclared = routes.filter((route) => !isCompletePolicy(route.policy)).map((route) => `${route.methods.join(",")} ${route.url}`);
    assert.deepEqual(undeclared, []);
    for (const url of ["/api/auth/login", "/fhir/R4/:type/:id", "/oidc/*", "/oidc/token", "/assets/*", "/metrics"]) {
      assert.ok(routes.some((route) => route.url === url), `${url} is registered`);
    }
  });

  it("has docs/endpoints.md up to date with the route declarations (run npm run docs)", async () => {
    assert.equal(await readFile("docs/endpoints.md", "utf8"), renderEndpointsDoc(app.mamori.app.declaredRoutes()));
  });

  it("counts a percent-encoded sign-in path against the same sign-in budget (AUTH-7)", async () => {
    nextWindow();
    let guess = 0;
    const attempt = (url: string) => inject(app, "POST", url, { remoteAddress: "198.51.100.21", body: { email: `nobody${(guess += 1)}@example.test`, password: "wrong password guess" } });
    for (const url of ["/api/auth/login", "/%61pi/auth/login", "/%61%70%69/auth/login", "/api/%61uth/login"]) {
      const answer = await attempt(url);
      assert.equal(answer.statusCode, 401, url);
      assert.match(String(answer.headers["ratelimit"]), /"auth";r=\d+/, url);
    }
    const refused = await attempt("/%61pi/auth/login");
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().code, "http.rate_limited");
  });

  it("counts a percent-encoded FHIR path against the account's budget", async () => {
    nextWindow();
    const read = (url: string) => inject(app, "GET", url, { cookie: cookieOf(doctor) });
    const missing = "00000000-0000-4000-8000-000000000000";
    for (let n = 0; n < 5; n += 1) {
      const answer = await read(`/%66hir/R4/Patient/${missing}`);
      assert.notEqual(answer.statusCode, 429);
      assert.ok(String(answer.headers["ratelimit"]).includes(`"account";r=${4 - n};`), String(answer.headers["ratelimit"]));
    }
    const refused = await read(`/%66hir/R4/Patient/${missing}`);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().resourceType, "OperationOutcome");
    assert.equal(refused.json().issue[0].details.coding[0].code, "http.rate_limited");
  });

  it("answers a percent-encoded FHIR read without a session as the plain path does: 401 OperationOutcome", async () => {
    nextWindow();
    const plain = await inject(app, "GET", "/fhir/R4/Observation/x");
    const encoded = await inject(app, "GET", "/%66hir/R4/Observation/x");
    assert.equal(plain.statusCode, 401);
    assert.equal(encoded.statusCode, 401);
    assert.equal(encoded.json().resourceType, "OperationOutcome");
    assert.equal(encoded.json().issue[0].details.coding[0].code, "session.required");
    assert.deepEqual(encoded.json(), plain.json());
  });

  it("answers double-encoded and differently cased paths one uniform 404 in the format of their decoded prefix", async () => {
    nextWindow();
    for (const [method, url] of [["POST", "/%2561pi/auth/login"], ["POST", "/API/auth/login"], ["GET", "/%2561pi/session"]] as const) {
      const answer = await inject(app, method, url, method === "POST" ? { body: { email: "nobody@example.test", password: "wrong password guess" } } : {});
      assert.equal(answer.statusCode, 404, url);
      assert.deepEqual(answer.json(), { code: "http.not_found", message: answer.json().message }, url);
      assert.match(String(answer.headers["ratelimit"]), /^"ip";r=\d+/, `${url} is counted by address`);
    }
    const fhir = await inject(app, "GET", "/%2566hir/R4/Observation/x");
    assert.equal(fhir.statusCode, 404);
    assert.equal(fhir.json().resourceType, "OperationOutcome");
    assert.equal(fhir.json().issue[0].details.coding[0].code, "http.not_found");
  });

  it("answers unmatched paths under /fhir, /api and elsewhere one uniform 404 of the right format, counted by address", async () => {
    nextWindow();
    const fhirAnswers = [await inject(app, "GET", "/fhir/R4/Patient/x/unknown/deeper"), await inject(app, "GET", "/fhir/R4/Patient/x/_history/1/extra"), await inject(app, "GET", "/fhir/unknown")];
    for (const answer of fhirAnswers) {
      assert.equal(answer.statusCode, 404);
      assert.equal(answer.headers["content-type"], "application/fhir+json; charset=utf-8");
      assert.equal(answer.json().issue[0].details.coding[0].code, "http.not_found");
      assert.match(String(answer.headers["ratelimit"]), /"ip";r=\d+/);
    }
    const apiAnswers = [await inject(app, "GET", "/api/unknown"), await inject(app, "POST", "/api/unknown", { body: {} }), await inject(app, "POST", "/unknown", { body: {} }), await inject(app, "GET", "/unknown.txt")];
    for (const answer of apiAnswers) {
      assert.equal(answer.statusCode, 404);
      assert.deepEqual(Object.keys(answer.json()), ["code", "message"]);
      assert.equal(answer.json().code, "http.not_found");
      assert.match(String(answer.headers["ratelimit"]), /"ip";r=\d+/);
    }
    assert.deepEqual(new Set(apiAnswers.map((answer) => answer.body)).size, 1, "one uniform body");
  });

  it("answers a path the router cannot decode in the format of its prefix, without quoting it back", async () => {
    const fhir = await inject(app, "GET", "/fhir/R4/Patient/%zz-name");
    assert.equal(fhir.statusCode, 400);
    assert.equal(fhir.json().issue[0].details.coding[0].code, "http.bad_request");
    const api = await inject(app, "GET", "/api/%zz-name");
    assert.equal(api.statusCode, 400);
    assert.equal(api.json().code, "http.bad_request");
    assert.ok(!fhir.body.includes("zz-name") && !api.body.includes("zz-name"));
  });

  it("inspects a percent-encoded path like the plain one", async () => {
    const plain = await inject(app, "GET", "/fhir/R4/Patient?name=%27%20OR%201%3D1--");
    const encoded = await inject(app, "GET", "/%66hir/R4/Patient?name=%27%20OR%201%3D1--");
    assert.equal(encoded.statusCode, plain.statusCode);
    assert.equal(encoded.json().issue[0].details.coding[0].code, plain.json().issue[0].details.coding[0].code);
  });
});
