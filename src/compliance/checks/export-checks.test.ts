import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRecordAuthorizers, loadPolicies, type LoadedPolicy } from "../../access/index.js";
import { startTestApp, type TestApp } from "../../testing/index.js";
import type { CheckContext } from "../check.js";
import { chartExport } from "./chart-export.js";
import { patientExport } from "./patient-export.js";

describe("export and print checks (PHR-1, TRU-2)", () => {
  let app: TestApp;
  let context: CheckContext;
  before(async () => {
    app = await startTestApp();
    context = app.mamori.compliance.checkContext;
  });
  after(() => app.close());

  /** The check context with the record authorizer built from another policy set, on the app's own database. */
  const withPolicies = (policies: readonly LoadedPolicy[]): CheckContext => ({
    ...context,
    recordAuthorizer: createRecordAuthorizers({ policies, networkOf: () => ({ adminNetwork: true, securityNetwork: true }), executor: app.mamori.db.kysely, clock: context.clock }),
  });

  it("PHR-1: a patient may download their own record only, as a valid FHIR Bundle and a readable PDF", async () => {
    const result = await patientExport.run(context);
    assert.equal(result.status, "met", result.reason);
    assert.equal(result.evidence["ownRecordReadable"], true);
    assert.equal(result.evidence["otherPatientReadable"], false);
    assert.equal(result.evidence["resourcesValidated"], 7);
    assert.ok((result.evidence["readableCopyPages"] as number) >= 1);
  });

  it("PHR-1: is not met when the policy no longer lets patients read their own records, or lets them read others'", async () => {
    const policies = await loadPolicies();
    const withoutOwn = policies.filter((policy) => policy.id !== "patient-reads-own-compartment");
    const closed = await patientExport.run(withPolicies(withoutOwn));
    assert.equal(closed.status, "not_met");
    assert.equal(closed.evidence["ownRecordReadable"], false);
    const permissive = [...policies, { id: "patients-read-anything", file: "test.cedar", text: 'permit (principal in Role::"patient", action == Action::"read", resource);', annotations: {} }];
    const open = await patientExport.run(withPolicies(permissive));
    assert.equal(open.status, "not_met");
    assert.equal(open.evidence["otherPatientReadable"], true);
  });

  it("TRU-2: a 200-result chart is exported and laid out for print within the limit", async () => {
    const result = await chartExport.run(context);
    assert.equal(result.status, "met", result.reason);
    assert.equal(result.evidence["resources"], 202);
    assert.ok((result.evidence["pages"] as number) >= 2, JSON.stringify(result.evidence));
    assert.ok((result.evidence["durationMs"] as number) <= (result.evidence["limitMs"] as number));
  });
});
