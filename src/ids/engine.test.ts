import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { AuditEntry } from "../audit/index.js";
import { createManualClock, type Principal } from "../kernel/index.js";
import { startTestApp, type TestApp } from "../testing/index.js";
import { createIds } from "./index.js";

const read = (accountId: string, patientId: string): AuditEntry => ({
  action: "fhir.read",
  outcome: "success",
  actor: { accountId, roles: ["doctor"] },
  patientId,
  resource: { type: "Patient", id: patientId },
  network: { ip: "10.20.30.5", userAgent: "Mozilla/5.0" },
});

describe("intrusion detection engine", () => {
  const clock = createManualClock(new Date("2026-04-06T10:00:00+09:00"));
  let app: TestApp;
  let officer: Principal;
  const alertsOf = async (accountId: string) => (await app.mamori.ids.officer.listAlerts(officer, {})).filter((alert) => alert.accountId === accountId);

  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_IDS_POLL_MS: "50" } });
    const user = await app.signedInUser("security_officer");
    officer = { accountId: user.accountId, roles: ["security_officer"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } };
  });
  after(() => app.close());

  it("runs in the service, woken by new audit entries", async () => {
    const account = randomUUID();
    const seq = await app.mamori.audit.record({ ...read(account, "er-1"), breakGlass: true });
    const deadline = Date.now() + 8_000;
    while ((await alertsOf(account)).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual((await alertsOf(account)).map((alert) => [alert.ruleId, alert.evidence]), [["break_glass", [seq]]]);
  });

  it("keeps its cursor in the database, so a new engine resumes after the last evaluated entry", async () => {
    await app.mamori.ids.stop();
    const account = randomUUID();
    const seqs: number[] = [];
    for (let n = 0; n < 31; n += 1) seqs.push(await app.mamori.audit.record(read(account, `p-${n}`)));
    const restarted = createIds({ db: app.mamori.db, audit: app.mamori.audit, clock, settings: app.config.ids, signInStepMs: 300_000, may: () => ({ allowed: true, reasonCode: "test" }) });
    const evaluated = await restarted.engine.catchUp();
    const [alert, ...more] = (await alertsOf(account)).filter((a) => a.ruleId === "mass_patient_read");
    assert.equal(more.length, 0);
    assert.deepEqual(alert?.evidence, seqs);
    // Only entries after the stopped engine's cursor were evaluated again: ours plus the ones the alert itself wrote.
    assert.ok(evaluated >= 31 && evaluated < 40, `evaluated ${evaluated}`);
    assert.ok((await restarted.engine.status()).cursorSeq >= seqs.at(-1)!);
    await restarted.engine.catchUp();
    assert.equal((await alertsOf(account)).length, 1, "a second round raises nothing again");
  });

  it("lets one node at a time evaluate: two engines on one database raise each alert once", async () => {
    const nodes = [0, 1].map(() => createIds({ db: app.mamori.db, audit: app.mamori.audit, clock, settings: app.config.ids, signInStepMs: 300_000, may: () => ({ allowed: true, reasonCode: "test" }) }));
    const accounts = [randomUUID(), randomUUID(), randomUUID()];
    const expected = new Map<string, number[]>();
    for (const account of accounts) {
      const seqs: number[] = [];
      for (let n = 0; n < 5; n += 1) seqs.push(await app.mamori.audit.record({ ...read(account, `q-${n}`), outcome: "denied" }));
      expected.set(account, seqs);
    }
    const evaluated = await Promise.all(nodes.map((node) => node.engine.catchUp()));
    await Promise.all(nodes.map((node) => node.engine.catchUp()));
    assert.ok(evaluated.some((n) => n >= 15), `one node evaluated the batch: ${evaluated.join(", ")}`);
    for (const account of accounts) {
      const alerts = (await alertsOf(account)).filter((alert) => alert.ruleId === "repeated_denials");
      assert.deepEqual(alerts.map((alert) => alert.evidence), [expected.get(account)]);
    }
  });

  it("leaves a rule switched off by its MAMORI_IDS_<RULE>_ENABLED setting out", async () => {
    const settings = { ...app.config.ids, rules: { ...app.config.ids.rules, break_glass: { ...app.config.ids.rules.break_glass, enabled: false } } };
    const node = createIds({ db: app.mamori.db, audit: app.mamori.audit, clock, settings, signInStepMs: 300_000, may: () => ({ allowed: true, reasonCode: "test" }) });
    const account = randomUUID();
    await app.mamori.audit.record({ ...read(account, "er-3"), breakGlass: true });
    assert.ok((await node.engine.catchUp()) >= 1);
    assert.deepEqual(await alertsOf(account), []);
  });
});
