import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../../kernel/index.js";
import { startTestApp, type TestApp } from "../../testing/index.js";
import type { CheckContext } from "../check.js";
import { setupLinks } from "./setup-links.js";

const dayMs = 86_400_000;

describe("accounts.setup_links (AUTH-5)", () => {
  const clock = createManualClock(new Date());
  let app: TestApp;
  let context: CheckContext;
  let admin: { accountId: string };

  before(async () => {
    app = await startTestApp({ clock });
    context = app.mamori.compliance.checkContext;
  });
  after(() => app.close());

  const principal = () => ({ accountId: admin.accountId, roles: ["admin"] as const, sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } });

  it("does not count a set-up link withdrawn by a restart", async () => {
    // Each start without an administrator prints a new link and withdraws the earlier one.
    await app.createSetupLink();
    await app.createSetupLink();
    const result = await setupLinks.run(context);
    assert.equal(result.status, "met", result.reason);
    assert.equal(result.evidence["expiredUnused"], 0);
  });

  describe("with an administrator", () => {
  before(async () => {
    admin = await app.signedInUser("admin");
  });

  it("does not count a withdrawn invitation as an expired unused link, then or later", async () => {
    const withdrawnBefore = (await setupLinks.run(context)).evidence["withdrawn"] as number;
    await app.mamori.identity.invitations.invite(principal(), { email: "withdrawn@example.test", role: "nurse" });
    const [pending] = await app.mamori.identity.invitations.pending(principal());
    await app.mamori.identity.invitations.revoke(principal(), pending!.id);
    const right = await setupLinks.run(context);
    assert.equal(right.status, "met", right.reason);
    assert.equal(right.evidence["withdrawn"], withdrawnBefore + 1);
    clock.advance(30 * dayMs);
    assert.equal((await setupLinks.run(context)).status, "met");
  });

  it("counts a link that ran out unused, and says it cannot be withdrawn any more", async () => {
    await app.mamori.identity.invitations.invite(principal(), { email: "never-accepted@example.test", role: "doctor" });
    clock.advance(400 * dayMs);
    const result = await setupLinks.run(context);
    assert.equal(result.status, "not_met");
    assert.equal(result.evidence["expiredUnused"], 1);
    assert.doesNotMatch(result.reason, /withdraw them/);
  });
});
});
