import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadPolicies } from "./index.js";

describe("record authorizer decision reuse", () => {
  // The authorizer evaluates records alike in action, type, category, label and patient once per request; that is
  // only sound while no policy singles out one record.
  it("rests on policies that never name a record entity", async () => {
    const policies = await loadPolicies();
    assert.ok(policies.length > 0);
    const naming = policies.filter((policy) => /Record::/.test(policy.text)).map((policy) => policy.id);
    assert.deepEqual(naming, []);
  });
});
