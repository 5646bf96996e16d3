import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { readAuditEntriesAfter, type AuditEntry } from "../../audit/index.js";
import { createManualClock, type Principal } from "../../kernel/index.js";
import { hospitalNetwork, simulateClinicTraffic, startTestApp, type TestApp } from "../../testing/index.js";
import type { AlertRow } from "../index.js";

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

// NET-1 / LOG-4: each detection rule fires on its pattern, with the right evidence, and stays quiet on a month of
// ordinary clinic traffic.
describe("intrusion detection rules", () => {
  const clock = createManualClock(new Date("2026-04-01T09:00:00+09:00"));
  const doctors = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  let app: TestApp;
  let officer: Principal;
  let simulatedAlerts: AlertRow[];

  const record = (entry: AuditEntry) => app.mamori.audit.record(entry);
  const evaluate = () => app.mamori.ids.engine.catchUp();
  const alerts = () => app.mamori.ids.officer.listAlerts(officer, { limit: 500 });
  const alertOf = async (ruleId: string, accountId: string) => (await alerts()).filter((alert) => alert.ruleId === ruleId && alert.accountId === accountId);
  const atWork = (ip = `${hospitalNetwork}.99`) => ({ ip, userAgent: "Mozilla/5.0 (clinic workstation)" });
  const doctor = (accountId: string) => ({ accountId, roles: ["doctor"], sessionId: "s-test" });
  const read = (accountId: string, patientId: string, network = atWork()): AuditEntry => ({
    action: "fhir.read",
    outcome: "success",
    reasonCode: "access.permitted",
    actor: doctor(accountId),
    resource: { type: "Patient", id: patientId },
    patientId,
    network,
  });
  /** Moves the clock to the next `hour` o'clock in Japan on a weekday. */
  const moveToNext = (hour: number) => {
    let target = Math.ceil((clock.now().getTime() + 9 * hourMs) / dayMs) * dayMs - 9 * hourMs + hour * hourMs;
    while ([0, 6].includes(new Date(target + 9 * hourMs).getUTCDay())) target += dayMs;
    clock.advance(target - clock.now().getTime());
  };

  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_IDS_ENABLED: "false" } });
    const user = await app.signedInUser("security_officer");
    officer = { accountId: user.accountId, roles: ["security_officer"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } };
    await evaluate();
    const before = (await alerts()).length;
    await simulateClinicTraffic({ audit: app.mamori.audit, clock }, { doctors, days: 25, seed: 7 });
    await evaluate();
    simulatedAlerts = (await alerts()).slice(0, (await alerts()).length - before);
  });
  after(() => app.close());

  for (const ruleId of ["mass_patient_read", "unusual_hours", "new_network", "watch_list_access", "repeated_denials", "refresh_token_reuse", "dormant_sign_in", "bulk_export", "break_glass", "role_gained", "label_lowered", "care_relation_by_non_clinician", "portal_invitation_outside_care"]) {
    it(`${ruleId} stays quiet on five weeks of ordinary clinic traffic`, () => {
      assert.deepEqual(
        simulatedAlerts.filter((alert) => alert.ruleId === ruleId).map((alert) => alert.evidence),
        [],
      );
    });
  }

  it("mass_patient_read fires when one account reads more than 30 patients within 10 minutes", async () => {
    moveToNext(10);
    const account = randomUUID();
    const seqs: number[] = [];
    for (let n = 0; n < 31; n += 1) {
      seqs.push(await record(read(account, `harvest-${n}`)));
      clock.advance(9_000);
    }
    await evaluate();
    const [alert, ...more] = await alertOf("mass_patient_read", account);
    assert.equal(more.length, 0);
    assert.deepEqual(alert?.evidence, seqs);
    assert.equal(alert?.severity, "high");
    assert.equal(alert?.state, "open");
  });

  it("mass_patient_read counts distinct patients, so 30 patients read twice stay quiet", async () => {
    moveToNext(10);
    const account = randomUUID();
    for (let round = 0; round < 2; round += 1) for (let n = 0; n < 30; n += 1) await record(read(account, `ward-${n}`));
    await evaluate();
    assert.deepEqual(await alertOf("mass_patient_read", account), []);
  });

  it("unusual_hours fires on a simulated doctor's record access at 02:00", async () => {
    moveToNext(2);
    const seq = await record(read(doctors[0]!, "sim-0-1"));
    await evaluate();
    const [alert] = await alertOf("unusual_hours", doctors[0]!);
    assert.deepEqual(alert?.evidence, [seq]);
  });

  it("unusual_hours leaves a new account alone in its baseline period, then judges it by the hours it learned", async () => {
    const account = randomUUID();
    moveToNext(22);
    const nightInBaseline = await record(read(account, "night-1"));
    await evaluate();
    // Five working days at 10:00 make its usual hours 09–11 (each day evaluated as it happens, as the engine does).
    for (let day = 0; day < 5; day += 1) {
      moveToNext(10);
      await record(read(account, `day-${day}`));
      await evaluate();
    }
    moveToNext(22);
    const nightAfterBaseline = await record(read(account, "night-2"));
    await evaluate();
    const evidence = (await alertOf("unusual_hours", account)).flatMap((alert) => alert.evidence);
    assert.ok(!evidence.includes(nightInBaseline), "no alert while the account is learning");
    assert.deepEqual(evidence, [nightAfterBaseline]);
  });

  it("new_network fires when a simulated doctor reads from an address outside every network used in 30 days", async () => {
    moveToNext(10);
    const seq = await record(read(doctors[1]!, "sim-1-2", { ip: "203.0.113.7", userAgent: "Mozilla/5.0" }));
    await record(read(doctors[1]!, "sim-1-3", atWork("10.20.30.200")));
    await evaluate();
    const [alert] = await alertOf("new_network", doctors[1]!);
    assert.deepEqual(alert?.evidence, [seq]);
    assert.equal(alert?.ip, "203.0.113.7");
  });

  it("watch_list_access fires on any read of a watched patient", async () => {
    moveToNext(10);
    await app.mamori.ids.officer.watch(officer, "sim-2-5", "employee");
    const seq = await record(read(doctors[2]!, "sim-2-5"));
    await record(read(doctors[2]!, "sim-2-6"));
    await evaluate();
    const [alert] = await alertOf("watch_list_access", doctors[2]!);
    assert.deepEqual(alert?.evidence, [seq]);
    await app.mamori.ids.officer.unwatch(officer, "sim-2-5");
  });

  it("repeated_denials fires at the fifth denial within five minutes, not at the fourth", async () => {
    moveToNext(10);
    const account = randomUUID();
    const denied = (n: number): AuditEntry => ({ ...read(account, `other-${n}`), outcome: "denied", reasonCode: "access.no_permission" });
    const seqs: number[] = [];
    for (let n = 0; n < 4; n += 1) {
      seqs.push(await record(denied(n)));
      clock.advance(60_000);
    }
    await evaluate();
    assert.deepEqual(await alertOf("repeated_denials", account), []);
    seqs.push(await record(denied(4)));
    await evaluate();
    const [alert] = await alertOf("repeated_denials", account);
    assert.deepEqual(alert?.evidence, seqs);
  });

  it("repeated_denials also counts refusals of the security officer's own queue (ids.* entries that were denied)", async () => {
    moveToNext(10);
    const account = randomUUID();
    const seqs: number[] = [];
    for (let n = 0; n < 5; n += 1) {
      seqs.push(await record({ action: "ids.alerts_read", outcome: "denied", reasonCode: "access.no_permission", actor: { accountId: account, roles: ["doctor"] }, network: { ip: "10.0.0.7", userAgent: "test" } }));
      clock.advance(30_000);
    }
    await evaluate();
    const [alert] = await alertOf("repeated_denials", account);
    assert.deepEqual(alert?.evidence, seqs);
  });

  it("refresh_token_reuse fires on oauth.refresh_reuse", async () => {
    const account = randomUUID();
    const seq = await record({ action: "oauth.refresh_reuse", outcome: "denied", reasonCode: "oauth.refresh_reuse", actor: { accountId: account, client: "third-party-app" }, network: { ip: "198.51.100.4", userAgent: "app" } });
    await evaluate();
    const [alert] = await alertOf("refresh_token_reuse", account);
    assert.deepEqual(alert?.evidence, [seq]);
    assert.equal(alert?.severity, "critical");
  });

  it("bulk_export fires on an audit CSV export by an administrator, never on the security officer's own review export", async () => {
    const admin = randomUUID();
    const officerAccount = randomUUID();
    const exportBy = (accountId: string, roles: string[]) => record({ action: "audit.export", outcome: "success", reasonCode: "access.permitted", actor: { accountId, roles }, resource: { type: "AuditEntry" }, network: atWork() });
    const seq = await exportBy(admin, ["admin"]);
    await exportBy(officerAccount, ["security_officer"]);
    await evaluate();
    const [alert] = await alertOf("bulk_export", admin);
    assert.deepEqual(alert?.evidence, [seq]);
    assert.deepEqual(await alertOf("bulk_export", officerAccount), []);
  });

  it("bulk_export fires on more than 500 reads within 10 minutes, even of one patient", async () => {
    moveToNext(10);
    const account = randomUUID();
    const seqs: number[] = [];
    for (let n = 0; n < 501; n += 1) seqs.push(await record(read(account, "same-patient")));
    await evaluate();
    const [alert] = await alertOf("bulk_export", account);
    assert.deepEqual(alert?.evidence, seqs);
    assert.deepEqual(await alertOf("mass_patient_read", account), []);
  });

  it("bulk_export counts reads across batches, and only those still within the window", async () => {
    moveToNext(10);
    const account = randomUUID();
    for (let n = 0; n < 300; n += 1) await record(read(account, `p-${n % 7}`));
    await evaluate();
    clock.advance(11 * 60_000);
    // The first 300 have left the 10-minute window: 300 more stay under the bound.
    const second: number[] = [];
    for (let n = 0; n < 300; n += 1) second.push(await record(read(account, `p-${n % 7}`)));
    await evaluate();
    assert.deepEqual(await alertOf("bulk_export", account), []);
    clock.advance(60_000);
    const crossing: number[] = [];
    for (let n = 0; n < 201; n += 1) crossing.push(await record(read(account, `p-${n % 7}`)));
    await evaluate();
    const [alert, ...more] = await alertOf("bulk_export", account);
    assert.equal(more.length, 0);
    assert.deepEqual(alert?.evidence, [...second, ...crossing], "the reads within the window, the earlier batch's read back from the trail");
  });

  it("bulk_export raises a steady excess once per window, and keeps a few rows per account however many reads", async () => {
    moveToNext(10);
    const account = randomUUID();
    const first: number[] = [];
    for (let n = 0; n < 600; n += 1) {
      first.push(await record(read(account, "same-patient")));
      if (n % 10 === 9) clock.advance(1_000);
    }
    await evaluate();
    for (let n = 0; n < 600; n += 1) {
      await record(read(account, "same-patient"));
      if (n % 10 === 9) clock.advance(1_000);
    }
    await evaluate();
    const [alert, ...more] = await alertOf("bulk_export", account);
    assert.equal(more.length, 0);
    assert.deepEqual(alert?.evidence, first.slice(0, 501), "the second batch, still within the window of the first finding, adds nothing");
    const rows = await app.mamori.db.kysely
      .selectFrom("ids_window" as never)
      .select((eb) => eb.fn.countAll<string>().as("rows"))
      .where("rule_id" as never, "=", "bulk_export" as never)
      .where("subject" as never, "=", account as never)
      .executeTakeFirstOrThrow();
    // 1,200 reads over two minutes: one row per ten-second bucket (a sixtieth of the window) and the fired marker.
    assert.ok(Number(rows.rows) <= 14, `${rows.rows} rows`);
    clock.advance(11 * 60_000);
    const later: number[] = [];
    for (let n = 0; n < 501; n += 1) later.push(await record(read(account, "same-patient")));
    await evaluate();
    const [again, ...none] = await alertOf("bulk_export", account);
    assert.equal(none.length, 0, "the open alert gains the evidence");
    assert.deepEqual(again?.evidence.slice(-501), later, "a window later, the excess is raised again");
  });

  it("break_glass fires on emergency access, flagged or by action", async () => {
    const account = randomUUID();
    const first = await record({ ...read(account, "er-1"), breakGlass: true });
    const second = await record({ action: "access.break_glass", outcome: "success", actor: doctor(account), patientId: "er-2", network: atWork() });
    await evaluate();
    const [alert, ...more] = await alertOf("break_glass", account);
    assert.equal(more.length, 0, "one alert per account while it is open");
    assert.deepEqual(alert?.evidence, [first, second]);
  });

  it("role_gained fires on every role granted: medium within one duty, high when an account mixes duties", async () => {
    const clinicalAdmin = randomUUID();
    const mixingAdmin = randomUUID();
    const granted = (actor: string, grantee: string, change: string, roles: string[]): AuditEntry => ({
      action: "access.grant",
      outcome: "success",
      reasonCode: change,
      actor: { accountId: actor, roles: ["admin"], sessionId: "s-test" },
      resource: { type: "Account", id: grantee },
      network: atWork(),
      grant: { kind: "role", change: "granted", grantee: { accountId: grantee }, roles },
    });
    const within = await record(granted(clinicalAdmin, randomUUID(), "roles:nurse>doctor+nurse", ["doctor"]));
    await record({ ...granted(clinicalAdmin, randomUUID(), "roles:doctor+nurse>nurse", ["doctor"]), grant: { kind: "role", change: "revoked", grantee: { accountId: randomUUID() }, roles: ["doctor"] } });
    const mixed = await record(granted(mixingAdmin, randomUUID(), "roles:admin>admin+doctor", ["doctor"]));
    await evaluate();
    const [medium] = await alertOf("role_gained", clinicalAdmin);
    assert.deepEqual([medium?.severity, medium?.evidence], ["medium", [within]], "a revocation is no gain");
    const [high] = await alertOf("role_gained", mixingAdmin);
    assert.deepEqual([high?.severity, high?.evidence], ["high", [mixed]]);
  });

  it("label_lowered fires on each lowered label, naming the patient in its evidence, and not on a raised one", async () => {
    const account = randomUUID();
    const relabel = (change: "lowered" | "granted", patientId: string): AuditEntry => ({
      action: "access.grant",
      outcome: "success",
      actor: doctor(account),
      resource: { type: "Observation", id: `obs-${patientId}`, version: "2" },
      patientId,
      network: atWork(),
      grant: { kind: "label", change, grantee: {}, label: change === "lowered" ? { from: "V", to: "N" } : { from: "N", to: "R" } },
    });
    await record(relabel("granted", "label-0"));
    const seq = await record(relabel("lowered", "label-1"));
    await evaluate();
    const [alert, ...more] = await alertOf("label_lowered", account);
    assert.equal(more.length, 0);
    assert.deepEqual(alert?.evidence, [seq]);
  });

  describe("care_relation_by_non_clinician", () => {
    const grant = (actor: { accountId: string; roles: string[] }, grantee: string, patientId: string): AuditEntry => ({
      action: "access.grant",
      outcome: "success",
      actor: { ...actor, sessionId: "s-test" },
      resource: { type: "Encounter", id: `enc-${patientId}`, version: "1" },
      patientId,
      network: atWork(),
      grant: { kind: "encounter", change: "granted", grantee: { practitionerId: `pr-${grantee}`, accountId: grantee } },
    });
    const clerk = (accountId: string) => ({ accountId, roles: ["clerk"] });

    it("stays quiet on reception: a clerk names the attending doctor, who then reads the chart", async () => {
      moveToNext(9);
      const [desk, attending] = [randomUUID(), randomUUID()];
      await record(grant(clerk(desk), attending, "visit-1"));
      await record(read(attending, "visit-1"));
      // A refusal for another reason, or of another patient, is not traced back to the assignment.
      await record({ ...read(attending, "visit-1"), outcome: "denied", reasonCode: "access.consent_denied" });
      await record({ ...read(attending, "visit-other"), outcome: "denied", reasonCode: "access.very_restricted_label" });
      await evaluate();
      assert.deepEqual(await alertOf("care_relation_by_non_clinician", desk), []);
    });

    it("fires on the clerk when the doctor so named tries to open the patient's labelled records within a day", async () => {
      moveToNext(9);
      const [desk, named] = [randomUUID(), randomUUID()];
      const granted = await record(grant(clerk(desk), named, "visit-2"));
      await evaluate();
      clock.advance(3 * hourMs);
      const refused = await record({ ...read(named, "visit-2"), outcome: "denied", reasonCode: "access.very_restricted_label" });
      await evaluate();
      const [alert, ...more] = await alertOf("care_relation_by_non_clinician", desk);
      assert.equal(more.length, 0);
      assert.deepEqual(alert?.evidence, [granted, refused], "the grant names the patient and the grantee, the refusal the doctor");
      clock.advance(25 * hourMs);
      await record({ ...read(named, "visit-2"), outcome: "denied", reasonCode: "access.very_restricted_label" });
      await evaluate();
      assert.deepEqual((await alertOf("care_relation_by_non_clinician", desk))[0]?.evidence, [granted, refused], "a day later the assignment no longer counts");
    });

    it("fires at once on a grant by an account that is neither clinician nor reception, and never on a doctor's", async () => {
      const [pharmacist, doctorAccount, other] = [randomUUID(), randomUUID(), randomUUID()];
      const seq = await record(grant({ accountId: pharmacist, roles: ["pharmacist"] }, other, "visit-3"));
      await record(grant({ accountId: doctorAccount, roles: ["doctor"] }, other, "visit-3"));
      await evaluate();
      assert.deepEqual((await alertOf("care_relation_by_non_clinician", pharmacist))[0]?.evidence, [seq]);
      assert.deepEqual(await alertOf("care_relation_by_non_clinician", doctorAccount), []);
    });
  });

  // AUTH-6 / ACC-1: a portal invitation grants the whole record, so one from outside the patient's care, or right after
  // the inviter changed that patient's record (its e-mail address), is an attempt to take the patient's account.
  const invitation = (accountId: string, patientId: string, outcome: "success" | "denied"): AuditEntry => ({
    action: "identity.invite_patient",
    outcome,
    reasonCode: outcome === "denied" ? "access.no_care_relationship" : "access.permitted",
    actor: doctor(accountId),
    resource: { type: "Invitation", ...(outcome === "success" ? { id: randomUUID() } : {}) },
    patientId,
    network: atWork(),
  });
  const patientUpdate = (accountId: string, patientId: string): AuditEntry => ({ ...read(accountId, patientId), action: "fhir.update" });
  const alertEntryOf = async (alertId: string) =>
    (await readAuditEntriesAfter(app.mamori.db.kysely, 0, 100_000)).find((entry) => entry.action === "ids.alert" && entry.resource?.id === alertId);

  it("portal_invitation_outside_care fires on an invitation refused for lack of a care relationship, naming who and which patient", async () => {
    const account = randomUUID();
    const refused = await record(invitation(account, "portal-1", "denied"));
    await record({ ...invitation(account, "portal-2", "denied"), reasonCode: "access.no_permission" });
    await evaluate();
    const [alert, ...more] = await alertOf("portal_invitation_outside_care", account);
    assert.equal(more.length, 0);
    assert.deepEqual(alert?.evidence, [refused]);
    assert.equal(alert?.severity, "high");
    assert.equal((await alertEntryOf(alert!.id))?.patientId, "portal-1");
  });

  it("portal_invitation_outside_care fires on an invitation within 24 h of the inviter's own change of that Patient record", async () => {
    const account = randomUUID();
    const changed = await record(patientUpdate(account, "portal-3"));
    clock.advance(23 * hourMs);
    const invited = await record(invitation(account, "portal-3", "success"));
    await evaluate();
    const [alert] = await alertOf("portal_invitation_outside_care", account);
    assert.deepEqual(alert?.evidence, [changed, invited]);
    assert.equal((await alertEntryOf(alert!.id))?.patientId, "portal-3");
  });

  it("portal_invitation_outside_care stays quiet after a day, for another account's change, or another patient's", async () => {
    const account = randomUUID();
    const colleague = randomUUID();
    await record(patientUpdate(account, "portal-4"));
    await record(patientUpdate(colleague, "portal-5"));
    await record(patientUpdate(account, "portal-6"));
    clock.advance(25 * hourMs);
    await record(invitation(account, "portal-4", "success"));
    await record(invitation(account, "portal-5", "success"));
    await record(invitation(account, "portal-7", "success"));
    await evaluate();
    assert.deepEqual(await alertOf("portal_invitation_outside_care", account), []);
  });

  it("dormant_sign_in fires on a sign-in from a new network after 30 days without one", async () => {
    moveToNext(9);
    const account = randomUUID();
    const signIn = (ip: string): AuditEntry => ({ action: "auth.password", outcome: "success", actor: doctor(account), network: { ip, userAgent: "Mozilla/5.0" } });
    await record(signIn(`${hospitalNetwork}.50`));
    await evaluate();
    clock.advance(31 * dayMs);
    const seq = await record(signIn("198.51.100.23"));
    await evaluate();
    const [alert] = await alertOf("dormant_sign_in", account);
    assert.deepEqual(alert?.evidence, [seq]);
  });

  it("dormant_sign_in stays quiet when a returning account signs in from its usual network", async () => {
    const account = randomUUID();
    const signIn = (): AuditEntry => ({ action: "auth.password", outcome: "success", actor: doctor(account), network: atWork() });
    await record(signIn());
    await evaluate();
    clock.advance(45 * dayMs);
    await record(signIn());
    await evaluate();
    assert.deepEqual(await alertOf("dormant_sign_in", account), []);
  });

  it("opens one alert per account and rule while it is open, and a new one after it is closed", async () => {
    const account = randomUUID();
    const glass = () => record({ action: "access.break_glass", outcome: "success", actor: doctor(account), patientId: "er-9", network: atWork() });
    const first = await glass();
    await evaluate();
    const second = await glass();
    await evaluate();
    const [alert] = await alertOf("break_glass", account);
    assert.deepEqual(alert?.evidence, [first, second]);
    await app.mamori.ids.officer.changeState(officer, alert!.id, "acknowledged", "looking");
    const closed = await app.mamori.ids.officer.changeState(officer, alert!.id, "closed", "ER night shift, justified");
    assert.equal(closed.acknowledged?.by, officer.accountId);
    assert.equal(closed.closed?.note, "ER night shift, justified");
    const third = await glass();
    await evaluate();
    const open = (await alertOf("break_glass", account)).filter((a) => a.state === "open");
    assert.deepEqual(open.map((a) => a.evidence), [[third]]);
  });
});
