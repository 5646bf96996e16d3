import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Fastify from "fastify";
import { collectRoutes, declareRoutePolicy, isCompletePolicy, normalisedPath, sessionApi, unmatchedPolicy } from "./route-policy.js";
import { providerTarget } from "./routes/oidc.js";

describe("normalisedPath", () => {
  it("decodes percent-escapes, also repeated ones, lower-cases and collapses slashes", () => {
    assert.equal(normalisedPath("/%61pi/auth/login?x=1"), "/api/auth/login");
    assert.equal(normalisedPath("/%2566hir/R4/Patient"), "/fhir/r4/patient");
    assert.equal(normalisedPath("//API//session"), "/api/session");
    assert.equal(normalisedPath("/%zz/x"), "/%zz/x");
  });
});

describe("unmatchedPolicy", () => {
  it("answers OperationOutcome under /fhir, ApiError elsewhere, and counts all but page navigations", () => {
    assert.equal(unmatchedPolicy("GET", "/%66hir/R4/Nothing").errorFormat, "fhir");
    assert.equal(unmatchedPolicy("POST", "/%2561pi/auth/login").errorFormat, "api");
    assert.deepEqual(unmatchedPolicy("POST", "/API/auth/login").rateLimits, ["ip"]);
    assert.deepEqual(unmatchedPolicy("GET", "/patients/123").rateLimits, []);
    assert.deepEqual(unmatchedPolicy("GET", "/app.js").rateLimits, ["ip"]);
  });
});

describe("declareRoutePolicy", () => {
  it("gives a group's routes its defaults under each route's own declaration, and leaves other groups alone", async () => {
    const app = Fastify();
    const declaredRoutes = collectRoutes(app);
    await app.register(async (group) => {
      declareRoutePolicy(group, sessionApi("identity"));
      group.get("/api/x", async () => ({}));
      group.post("/api/y", { config: { policy: { authentication: "step-up" } } }, async () => ({}));
    });
    await app.register(async (other) => {
      other.get("/api/undeclared", async () => ({}));
    });
    await app.ready();
    const byUrl = new Map(declaredRoutes().map((route) => [`${route.methods.join(",")} ${route.url}`, route.policy]));
    assert.deepEqual(byUrl.get("GET /api/x"), sessionApi("identity"));
    assert.equal(byUrl.get("POST /api/y")?.authentication, "step-up");
    assert.equal(byUrl.get("POST /api/y")?.audit, "identity");
    assert.ok(isCompletePolicy(byUrl.get("HEAD /api/x")), "the HEAD Fastify adds to a GET carries the GET's policy");
    assert.equal(isCompletePolicy(byUrl.get("GET /api/undeclared")), false);
    await app.close();
  });
});

describe("providerTarget", () => {
  it("drops the mount segment however it is spelt and keeps the rest as received", () => {
    assert.equal(providerTarget("/oidc/token"), "/token");
    assert.equal(providerTarget("/%6Fidc/.well-known/openid-configuration"), "/.well-known/openid-configuration");
    assert.equal(providerTarget("/oidc/auth?redirect_uri=https%3A%2F%2Fapp.example%2Fcb"), "/auth?redirect_uri=https%3A%2F%2Fapp.example%2Fcb");
    assert.equal(providerTarget("/oidc?x=/y"), "/?x=/y");
  });
});
