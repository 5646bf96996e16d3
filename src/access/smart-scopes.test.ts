import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isScopeCovered, parseSmartScope, scopesPermit, supportedSmartScopes } from "./smart-scopes.js";

describe("SMART scopes", () => {
  it("parses v2 permissions and maps the v1 forms", () => {
    assert.deepEqual(parseSmartScope("patient/*.rs"), { context: "patient", resourceType: "*", letters: "rs" });
    assert.deepEqual(parseSmartScope("user/Patient.read"), { context: "user", resourceType: "Patient", letters: "rs" });
    assert.deepEqual(parseSmartScope("user/*.write"), { context: "user", resourceType: "*", letters: "cud" });
    assert.equal(parseSmartScope("patient/*.sr"), undefined, "v2 letters must be in c r u d s order");
    assert.equal(parseSmartScope("launch/patient"), undefined);
    assert.equal(parseSmartScope("system/*.rs"), undefined, "backend services are not offered");
  });

  it("lists every recognised scope once, including the ones SMART apps ask for most", () => {
    const scopes = supportedSmartScopes();
    assert.equal(new Set(scopes).size, scopes.length);
    for (const scope of ["patient/*.rs", "user/*.cruds", "patient/Patient.r", "patient/*.read", "user/*.*"]) assert.ok(scopes.includes(scope), scope);
  });

  it("lets patient/ scopes reach only the launch patient's record", () => {
    const read = { interaction: "read" as const, resourceType: "Patient", patientId: "p1" };
    assert.equal(scopesPermit(["patient/*.rs"], { ...read, launchPatient: "p1" }), true);
    assert.equal(scopesPermit(["patient/*.rs"], { ...read, launchPatient: "p2" }), false);
    assert.equal(scopesPermit(["patient/*.rs"], read), false, "no launch context, no patient access");
  });

  it("treats a client's registered scope as covering narrower ones of the same context", () => {
    assert.equal(isScopeCovered("user/Patient.rs", ["user/*.cruds"]), true);
    assert.equal(isScopeCovered("user/*.rs", ["user/Patient.cruds"]), false);
    assert.equal(isScopeCovered("patient/*.rs", ["user/*.cruds"]), false);
    assert.equal(isScopeCovered("user/*.read", ["user/*.rs"]), true);
    assert.equal(isScopeCovered("openid", ["openid"]), true);
    assert.equal(isScopeCovered("offline_access", ["openid"]), false);
  });

  it("grants only the interactions named", () => {
    assert.equal(scopesPermit(["user/Patient.r"], { interaction: "create", resourceType: "Patient" }), false);
    assert.equal(scopesPermit(["user/Patient.r"], { interaction: "read", resourceType: "Binary" }), false);
    assert.equal(scopesPermit(["user/*.cruds"], { interaction: "create", resourceType: "Patient" }), true);
    assert.equal(scopesPermit(["openid", "offline_access"], { interaction: "read", resourceType: "Patient" }), false);
  });
});
