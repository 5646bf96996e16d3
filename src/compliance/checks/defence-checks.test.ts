import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AuditEntry } from "../../audit/index.js";
import { createManualClock } from "../../kernel/index.js";
import { ruleIds } from "../../ids/index.js";
import { startTestApp, type SignedInUser, type TestApp } from "../../testing/index.js";
import type { CheckContext } from "../check.js";
import { idsAlertsHandled } from "./ids-alerts-handled.js";
import { idsRulesEnabled } from "./ids-rules-enabled.js";
import { oidcTokenLifetimes } from "./oidc-token-lifetimes.js";
import { wafEnabled } from "./waf-enabled.js";

const dayMs = 86_400_000;
const hourMs = 3_600_000;
const start = new Date("2026-11-25T09:00:00Z");
const sqlInjection = `/fhir/R4/Patient?name=${encodeURIComponent("1 UNION SELECT password FROM account--")}`;
const network = { ip: "198.51.100.7", userAgent: "test" };
const refreshReuse = (accountId: string): AuditEntry => ({ action: "oauth.refresh_reuse", outcome: "denied", reasonCode: "oauth.refresh_token_reused", actor: { accountId, client: "app" }, network });
/** The same running system seen at another time (windows and ages are measured from the context's clock). */
const at = (context: CheckContext, when: Date): CheckContext => ({ ...context, clock: createManualClock(when) });
const managementNetworks = { MAMORI_ADMIN_NETWORKS: "127.0.0.0/8,::1", MAMORI_SECURITY_NETWORKS: "127.0.0.0/8,::1" };

/** Lets the intrusion detection engine evaluate what is appended, until `probe` holds (bounded, no sleeps on the clock). */
async function evaluateUntil(app: TestApp, probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    await app.mamori.ids.engine.catchUp();
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe("compliance checks of request inspection, intrusion detection and OAuth tokens (defaults)", () => {
  const clock = createManualClock(start);
  let app: TestApp;
  let context: CheckContext;
  let officer: SignedInUser;

  before(async () => {
    app = await startTestApp({ clock, env: { ...managementNetworks, MAMORI_COMPLIANCE_IDS_MAX_LAG: "25" } });
    context = app.mamori.compliance.checkContext;
    officer = await app.signedInUser("security_officer");

  });
  after(() => app.close());

  it("NET-1 waf.enabled: block mode at threshold 5 is met and counts the blocks of the last 30 days", async () => {
    const before = await wafEnabled.run(context);
    assert.equal(before.status, "met", before.reason);
    assert.deepEqual([before.evidence["mode"], before.evidence["paranoia"], before.evidence["threshold"], before.evidence["blocksLast30Days"]], ["block", 1, 5, 0]);
    const refused = await app.client().get(sqlInjection);
    assert.equal(refused.status, 403);
    assert.equal((await wafEnabled.run(context)).evidence["blocksLast30Days"], 1);
    assert.equal((await wafEnabled.run(at(context, new Date(start.getTime() + 31 * dayMs)))).evidence["blocksLast30Days"], 0);
  });

  it("NET-1 ids.rules_enabled: the engine running every rule and at the audit head is met", async () => {
    await evaluateUntil(app, async () => (await idsRulesEnabled.run(context)).evidence["cursorLag"] === 0, "the engine reaches the audit head");
    const met = await idsRulesEnabled.run(context);
    assert.equal(met.status, "met", met.reason);
    assert.deepEqual([met.evidence["engineEnabled"], met.evidence["rules"], met.evidence["enabledRules"], met.evidence["disabledRules"]], [true, ruleIds.length, ruleIds.length, []]);
    assert.equal(met.evidence["maxLag"], 25);
  });

  it("LOG-4 ids.alerts_handled: none open is met; an open alert is partial, not met after 72 h; acknowledged is met", async () => {
    const none = await idsAlertsHandled.run(context);
    assert.equal(none.status, "met", none.reason);
    assert.equal(none.evidence["maxAgeHours"], 72);
    const doctor = await app.signedInUser("doctor");
    await app.mamori.audit.record(refreshReuse(doctor.accountId));
    await evaluateUntil(app, async () => (await idsAlertsHandled.run(context)).evidence["open"] === 1, "the refresh_token_reuse alert is raised");
    const recent = await idsAlertsHandled.run(context);
    assert.equal(recent.status, "partial", recent.reason);
    assert.equal(recent.evidence["overdue"], 0);
    const late = await idsAlertsHandled.run(at(context, new Date(clock.now().getTime() + 73 * hourMs)));
    assert.equal(late.status, "not_met", late.reason);
    assert.deepEqual([late.evidence["overdue"], late.evidence["overdue:critical"], late.evidence["overdue:low"]], [1, 1, 0]);
    assert.match(late.reason, /1 critical/);

    const listed = await officer.client.get("/api/security/alerts?state=open");
    assert.equal(listed.status, 200, listed.text);
    const [alert] = listed.json.alerts as Array<{ id: string; ruleId: string }>;
    assert.equal(alert?.ruleId, "refresh_token_reuse");
    const acknowledged = await officer.client.post(`/api/security/alerts/${alert.id}/state`, { state: "acknowledged", note: "利用者に確認中" });
    assert.equal(acknowledged.status, 200, acknowledged.text);
    const handled = await idsAlertsHandled.run(at(context, new Date(clock.now().getTime() + 73 * hourMs)));
    assert.equal(handled.status, "met", handled.reason);
    assert.deepEqual([handled.evidence["open"], handled.evidence["acknowledged"]], [0, 1]);
  });

  it("SES-2 oidc.token_lifetimes: 300 s access tokens, 7-day chains and rotation with reuse detection are met", async () => {
    const before = await oidcTokenLifetimes.run(context);
    assert.equal(before.status, "met", before.reason);
    assert.deepEqual(
      [before.evidence["accessTokenSeconds"], before.evidence["refreshTokenDays"], before.evidence["refreshRotation"], before.evidence["reuseRevokesGrant"]],
      [300, 7, true, true],
    );
    const reuses = before.evidence["refreshReusesLast30Days"] as number;
    const doctor = await app.signedInUser("doctor");
    await app.mamori.audit.record(refreshReuse(doctor.accountId));
    assert.equal((await oidcTokenLifetimes.run(context)).evidence["refreshReusesLast30Days"], reuses + 1);
    assert.equal((await oidcTokenLifetimes.run(at(context, new Date(clock.now().getTime() + 31 * dayMs)))).evidence["refreshReusesLast30Days"], 0);
  });

  // Last: the engine stops on this node for good.
  it("NET-1 ids.rules_enabled: an engine further behind the audit head than the limit is partial", async () => {
    await app.mamori.ids.stop();
    const doctor = await app.signedInUser("doctor");
    const cursorBefore = (await app.mamori.ids.engine.status()).cursorSeq;
    for (let n = 0; n < 30; n += 1) await app.mamori.audit.record({ action: "fhir.read", outcome: "success", actor: { accountId: doctor.accountId, roles: ["doctor"] }, patientId: "p-1", resource: { type: "Patient", id: "p-1" }, network });
    const behind = await idsRulesEnabled.run(context);
    assert.equal(behind.status, "partial", behind.reason);
    assert.ok((behind.evidence["cursorLag"] as number) >= 30, JSON.stringify(behind.evidence));
    assert.match(behind.reason, /behind \(limit 25\)/);
    assert.equal((await app.mamori.ids.engine.status()).cursorSeq, cursorBefore);
  });
});

describe("compliance checks of request inspection, intrusion detection and OAuth tokens (weakened settings)", () => {
  it("detect-only inspection and switched-off rules are partial; long access tokens are not met", async () => {
    const app = await startTestApp({
      clock: createManualClock(start),
      env: { MAMORI_WAF_MODE: "detect-only", MAMORI_IDS_UNUSUAL_HOURS_ENABLED: "false", MAMORI_IDS_BULK_EXPORT_ENABLED: "false", MAMORI_ACCESS_TOKEN_SECONDS: "900" },
    });
    try {
      const context = app.mamori.compliance.checkContext;
      const passed = await app.client().get(sqlInjection);
      assert.notEqual(passed.status, 403);
      const waf = await wafEnabled.run(context);
      assert.equal(waf.status, "partial", waf.reason);
      assert.deepEqual([waf.evidence["mode"], waf.evidence["blocksLast30Days"]], ["detect-only", 0]);
      const ids = await idsRulesEnabled.run(context);
      assert.equal(ids.status, "partial", ids.reason);
      assert.deepEqual(ids.evidence["disabledRules"], ["unusual_hours", "bulk_export"]);
      const tokens = await oidcTokenLifetimes.run(context);
      assert.equal(tokens.status, "not_met");
      assert.match(tokens.reason, /900 s/);
    } finally {
      await app.close();
    }
  });

  it("the engine switched off is not met; a lax threshold is partial; 30+ day refresh chains are not met", async () => {
    const clock = createManualClock(start);
    const app = await startTestApp({
      clock,
      env: { MAMORI_IDS_ENABLED: "false", MAMORI_WAF_THRESHOLD: "10", MAMORI_REFRESH_TOKEN_HOURS: "1000", MAMORI_COMPLIANCE_ALERT_MAX_AGE_HOURS: "1" },
    });
    try {
      const context = app.mamori.compliance.checkContext;
      const ids = await idsRulesEnabled.run(context);
      assert.equal(ids.status, "not_met", ids.reason);
      assert.equal(ids.evidence["engineEnabled"], false);
      const waf = await wafEnabled.run(context);
      assert.equal(waf.status, "partial", waf.reason);
      assert.equal(waf.evidence["threshold"], 10);
      const tokens = await oidcTokenLifetimes.run(context);
      assert.equal(tokens.status, "not_met");
      assert.equal(tokens.evidence["refreshTokenDays"], 41.67);
      // The configured alert age applies: an alert raised now is overdue two hours later.
      const doctor = await app.signedInUser("doctor");
      await app.mamori.audit.record(refreshReuse(doctor.accountId));
      await app.mamori.ids.engine.catchUp();
      assert.equal((await idsAlertsHandled.run(context)).status, "partial");
      assert.equal((await idsAlertsHandled.run(at(context, new Date(clock.now().getTime() + 2 * hourMs)))).status, "not_met");
    } finally {
      await app.close();
    }
  });
});
