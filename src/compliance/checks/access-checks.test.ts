import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createAccessStore, loadPolicies, type LoadedPolicy } from "../../access/index.js";
import { loadConfig } from "../../config/index.js";
import type { Database } from "../../db/index.js";
import { createManualClock, newId } from "../../kernel/index.js";
import { openTestDatabase } from "../../testing/index.js";
import type { CheckContext } from "../check.js";
import { breakGlassReviews } from "./break-glass-reviews.js";
import { consentEnforced } from "./consent-enforced.js";

const dayMs = 86_400_000;

describe("compliance checks of record access (ACC-3, ACC-4)", () => {
  const clock = createManualClock();
  let db: Database;
  let policies: LoadedPolicy[];
  const context = (overrides: Partial<CheckContext> = {}) =>
    ({ config: loadConfig({ MAMORI_COMPLIANCE_BREAK_GLASS_REVIEW_DAYS: "7" }), db, clock, policies, ...overrides }) as CheckContext;

  before(async () => {
    db = await openTestDatabase();
    policies = await loadPolicies();
  });
  after(() => db.close());

  it("ACC-3: met with an empty or young queue, not met once a grant waits past the limit, met again when reviewed", async () => {
    assert.equal((await breakGlassReviews.run(context())).status, "met");
    const accountId = newId();
    await sql`insert into identity_account (id, email, display_name, kind, roles, password_hash, created_at)
      values (${accountId}, ${"nurse@example.test"}, ${"試験 看護師"}, ${"staff"}, ${["nurse"]}, ${"x"}, ${clock.now()})`.execute(db.kysely);
    const grantId = newId();
    await createAccessStore(db.kysely).insertBreakGlass({ id: grantId, accountId, patientId: "p-1", reason: Buffer.from("ciphertext"), grantedAt: clock.now(), expiresAt: new Date(clock.now().getTime() + 3_600_000) });
    clock.advance(6 * dayMs);
    const young = await breakGlassReviews.run(context());
    assert.deepEqual([young.status, young.evidence["openReviews"], young.evidence["overdueReviews"]], ["met", 1, 0]);
    clock.advance(2 * dayMs);
    const overdue = await breakGlassReviews.run(context());
    assert.deepEqual([overdue.status, overdue.evidence["overdueReviews"]], ["not_met", 1]);
    assert.equal(await createAccessStore(db.kysely).closeReview(grantId, { outcome: "justified", note: Buffer.from("ciphertext"), by: accountId, at: clock.now() }), true);
    assert.equal((await breakGlassReviews.run(context())).status, "met");
  });

  it("ACC-4: met with the policies in force, not met without the consent forbid or with break-glass no longer overriding it", async () => {
    assert.equal((await consentEnforced.run(context())).status, "met");
    const withoutForbid = policies.filter((policy) => policy.id !== "consent-deny-closes-records");
    assert.equal((await consentEnforced.run(context({ policies: withoutForbid }))).status, "not_met");
    const noOverride = policies.map((policy) => (policy.id === "consent-deny-closes-records" ? { ...policy, text: policy.text.replace(" && !context.breakGlass", "") } : policy));
    assert.equal((await consentEnforced.run(context({ policies: noOverride }))).status, "not_met");
  });
});
