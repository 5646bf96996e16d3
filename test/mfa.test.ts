import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../src/kernel/index.js";
import { createPatient, createSoftwareAuthenticator, startTestApp, type SignedInUser, type TestApp, type TestClient } from "../src/testing/index.js";

type AuditRow = { seq: number; entry: { action: string; outcome: string; reasonCode?: string; actor: { accountId?: string }; resource?: { type: string; id?: string } } };

// AUTH-2 / AUTH-7: recovery codes, passkeys, step-up for privileged actions, and managing one's own factors.
describe("second factors: recovery codes, passkeys, step-up", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ clock });
  });
  after(() => app.close());

  const nextTotpStep = () => clock.advance(30_000);

  async function auditOf(accountId: string): Promise<AuditRow["entry"][]> {
    const rows = await app.mamori.db.kysely.withTables<{ audit_entry: AuditRow }>().selectFrom("audit_entry").select(["seq", "entry"]).orderBy("seq").execute();
    return rows.map((row) => row.entry).filter((entry) => entry.actor.accountId === accountId);
  }

  /** Invites a staff member and leaves their browser at the enrolment stage. */
  async function invitedAtEnrolment(role: "doctor" | "admin"): Promise<{ client: TestClient; email: string; password: string }> {
    const admin = await app.signedInUser("admin");
    const email = `${role}-${Math.random().toString(36).slice(2)}@example.test`;
    const issued = await app.mamori.identity.invitations.invite(
      { accountId: admin.accountId, roles: ["admin"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } },
      { email, role },
    );
    const client = app.client();
    const password = "passkey person long password";
    const accepted = await client.post("/api/invitations/accept", { token: issued.token, email, displayName: "試験 鍵子", password });
    assert.equal(accepted.json.stage, "enrolment_required");
    return { client, email, password };
  }

  async function enrolPasskey(client: TestClient, name = "ノートPC") {
    const authenticator = createSoftwareAuthenticator({ origin: app.baseUrl });
    const options = await client.post("/api/auth/passkey/registration/options");
    assert.equal(options.status, 200, options.text);
    const done = await client.post("/api/auth/passkey/registration", { name, response: authenticator.create(options.json.options) });
    assert.equal(done.status, 200, done.text);
    return { authenticator, done };
  }

  async function signInWithPasskey(client: TestClient, email: string, password: string) {
    const login = await client.post("/api/auth/login", { email, password });
    assert.equal(login.json.stage, "mfa_required");
    const options = await client.post("/api/auth/passkey/options");
    assert.equal(options.status, 200, options.text);
    return { login, options: options.json.options, verify: (response: unknown) => client.post("/api/auth/passkey/verify", { response }) };
  }

  describe("recovery codes", () => {
    let doctor: SignedInUser;
    let codes: string[];

    it("issues ten distinct codes once at enrolment and shows how many remain", async () => {
      const { client, email, password } = await invitedAtEnrolment("doctor");
      const started = await client.post("/api/auth/totp/enrolment");
      const { generate } = await import("otplib");
      const totpSecret = started.json.secret as string;
      const totpCode = () => generate({ secret: totpSecret, epoch: Math.floor(clock.now().getTime() / 1000) });
      const confirmed = await client.post("/api/auth/totp/enrolment/confirm", { code: await totpCode() });
      assert.equal(confirmed.status, 200);
      assert.equal(confirmed.json.stage, "active");
      codes = confirmed.json.recoveryCodes;
      assert.equal(codes.length, 10);
      assert.equal(new Set(codes).size, 10);
      for (const code of codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      doctor = { client, email, password, accountId: confirmed.json.account.id, totpSecret, totpCode };
      const factors = await client.get("/api/account/factors");
      assert.equal(factors.json.recoveryCodesRemaining, 10);
      assert.ok(factors.json.totp.enrolledAt > 0);
      // Stored only as hashes: no row holds a code in clear.
      const stored = await app.mamori.db.kysely.withTables<{ identity_recovery_code: { account_id: string; code_hash: Uint8Array } }>()
        .selectFrom("identity_recovery_code").select("code_hash").where("account_id", "=", doctor.accountId).execute();
      assert.equal(stored.length, 10);
      for (const row of stored) {
        assert.equal(row.code_hash.length, 32);
        for (const code of codes) assert.ok(!Buffer.from(row.code_hash).includes(Buffer.from(code.replace(/-/g, ""))));
      }
    });

    it("signs in with a recovery code instead of TOTP, once per code, and audits its use", async () => {
      const fresh = app.client();
      await fresh.post("/api/auth/login", { email: doctor.email, password: doctor.password });
      const used = await fresh.post("/api/auth/recovery-code/verify", { code: codes[0]!.toLowerCase() });
      assert.equal(used.status, 200, used.text);
      assert.equal(used.json.stage, "active");
      assert.equal((await fresh.get("/api/account/factors")).json.recoveryCodesRemaining, 9);

      const again = app.client();
      await again.post("/api/auth/login", { email: doctor.email, password: doctor.password });
      const replay = await again.post("/api/auth/recovery-code/verify", { code: codes[0] });
      assert.equal(replay.status, 401);
      assert.equal(replay.json.code, "identity.invalid_recovery_code");
      const actions = (await auditOf(doctor.accountId)).filter((entry) => entry.action === "auth.recovery_code").map((entry) => entry.outcome);
      assert.deepEqual(actions, ["success", "failure"]);
    });

    it("regenerates the set only after a fresh second factor, withdrawing the old codes", async () => {
      clock.advance(301_000);
      const stale = await doctor.client.post("/api/account/recovery-codes");
      assert.equal(stale.status, 401);
      assert.equal(stale.json.code, "session.step_up_required");
      nextTotpStep();
      const reverified = await doctor.client.post("/api/auth/reverify", { method: "totp", code: await doctor.totpCode() });
      assert.equal(reverified.status, 200, reverified.text);
      const regenerated = await doctor.client.post("/api/account/recovery-codes");
      assert.equal(regenerated.status, 200, regenerated.text);
      assert.equal(regenerated.json.recoveryCodes.length, 10);
      assert.equal((await doctor.client.get("/api/account/factors")).json.recoveryCodesRemaining, 10);

      const fresh = app.client();
      await fresh.post("/api/auth/login", { email: doctor.email, password: doctor.password });
      assert.equal((await fresh.post("/api/auth/recovery-code/verify", { code: codes[1] })).status, 401, "an old code is withdrawn");
      assert.equal((await fresh.post("/api/auth/recovery-code/verify", { code: regenerated.json.recoveryCodes[0] })).json.stage, "active");
    });
  });

  describe("passkeys (WebAuthn)", () => {
    let person: { client: TestClient; email: string; password: string; accountId: string };
    let authenticator: ReturnType<typeof createSoftwareAuthenticator>;

    it("enrols a passkey instead of TOTP and issues recovery codes", async () => {
      const invited = await invitedAtEnrolment("doctor");
      const enrolled = await enrolPasskey(invited.client);
      authenticator = enrolled.authenticator;
      assert.equal(enrolled.done.json.stage, "active");
      assert.equal(enrolled.done.json.recoveryCodes.length, 10);
      person = { ...invited, accountId: enrolled.done.json.account.id };
      const factors = await invited.client.get("/api/account/factors");
      assert.equal(factors.json.totp, undefined);
      assert.deepEqual(factors.json.passkeys.map((passkey: { name: string; id: string }) => [passkey.name, passkey.id]), [["ノートPC", authenticator.credentialId]]);
      const audited = (await auditOf(person.accountId)).find((entry) => entry.action === "auth.webauthn_register");
      assert.equal(audited?.outcome, "success");
      assert.equal(audited?.resource?.id, authenticator.credentialId);
    });

    it("signs in with the passkey as the second factor and records the counter and last use", async () => {
      const client = app.client();
      const login = await client.post("/api/auth/login", { email: person.email, password: person.password });
      assert.deepEqual(login.json.secondFactors, ["passkey"]);
      const options = await client.post("/api/auth/passkey/options");
      assert.equal(options.json.options.rpId, "127.0.0.1");
      assert.deepEqual(options.json.options.allowCredentials.map((credential: { id: string }) => credential.id), [authenticator.credentialId]);
      const verified = await client.post("/api/auth/passkey/verify", { response: authenticator.get(options.json.options) });
      assert.equal(verified.status, 200, verified.text);
      assert.equal(verified.json.stage, "active");
      const row = await app.mamori.db.kysely.withTables<{ identity_webauthn_credential: { id: string; counter: string | number; last_used_at: Date | null } }>()
        .selectFrom("identity_webauthn_credential").selectAll().where("id", "=", authenticator.credentialId).executeTakeFirstOrThrow();
      assert.equal(Number(row.counter), authenticator.counter);
      assert.equal(row.last_used_at?.getTime(), clock.now().getTime());
      assert.ok((await auditOf(person.accountId)).some((entry) => entry.action === "auth.webauthn" && entry.outcome === "success"));
    });

    it("refuses a replayed assertion: the challenge is used once", async () => {
      const attempt = await signInWithPasskey(app.client(), person.email, person.password);
      const response = authenticator.get(attempt.options);
      assert.equal((await attempt.verify(response)).status, 200);
      const second = await signInWithPasskey(app.client(), person.email, person.password);
      const replayed = await second.verify(response);
      assert.equal(replayed.status, 401);
      assert.equal(replayed.json.code, "identity.invalid_passkey");
    });

    it("refuses a challenge issued to another session", async () => {
      const first = await signInWithPasskey(app.client(), person.email, person.password);
      const other = app.client();
      await other.post("/api/auth/login", { email: person.email, password: person.password });
      const refused = await other.post("/api/auth/passkey/verify", { response: authenticator.get(first.options) });
      assert.equal(refused.status, 401);
      assert.equal((await first.verify(authenticator.get(first.options))).status, 200, "the session that asked can still answer");
    });

    it("refuses an assertion made for another origin", async () => {
      const attempt = await signInWithPasskey(app.client(), person.email, person.password);
      const phished = await attempt.verify(authenticator.get(attempt.options, { origin: "https://mamori.example.net" }));
      assert.equal(phished.status, 401);
      assert.equal(phished.json.code, "identity.invalid_passkey");
    });

    it("refuses a signature counter that goes backwards (a cloned authenticator)", async () => {
      const attempt = await signInWithPasskey(app.client(), person.email, person.password);
      const cloned = await attempt.verify(authenticator.get(attempt.options, { counter: 1 }));
      assert.equal(cloned.status, 401);
      const failures = (await auditOf(person.accountId)).filter((entry) => entry.action === "auth.webauthn" && entry.outcome === "failure");
      assert.ok(failures.length >= 3);
    });

    it("adds a second passkey from the settings page after a fresh re-verification with the first", async () => {
      const client = app.client();
      const attempt = await signInWithPasskey(client, person.email, person.password);
      await attempt.verify(authenticator.get(attempt.options));
      clock.advance(301_000);
      assert.equal((await client.post("/api/account/passkeys/options")).json.code, "session.step_up_required");
      assert.equal((await client.post("/api/auth/passkey/registration/options")).json.code, "session.wrong_stage", "the enrolment route cannot bypass the guard");
      const reverifyOptions = await client.post("/api/auth/passkey/options");
      const reverified = await client.post("/api/auth/reverify", { method: "passkey", response: authenticator.get(reverifyOptions.json.options) });
      assert.equal(reverified.status, 200, reverified.text);
      const second = createSoftwareAuthenticator({ origin: app.baseUrl });
      const options = await client.post("/api/account/passkeys/options");
      assert.deepEqual(options.json.options.excludeCredentials.map((credential: { id: string }) => credential.id), [authenticator.credentialId]);
      const added = await client.post("/api/account/passkeys", { name: "セキュリティキー", response: second.create(options.json.options) });
      assert.equal(added.status, 200, added.text);
      assert.equal(added.json.recoveryCodes, undefined, "not the first factor: the existing codes stay");
      const names = (await client.get("/api/account/factors")).json.passkeys.map((passkey: { name: string }) => passkey.name);
      assert.deepEqual(names, ["ノートPC", "セキュリティキー"]);
    });
  });

  describe("step-up for privileged actions", () => {
    it("refuses an invitation, a shred approval and the audit CSV with a stale second factor, and allows them after re-verifying", async () => {
      const admin = await app.signedInUser("admin");
      const doctor = await app.signedInUser("doctor");
      const patientId = await createPatient(doctor);
      clock.advance(299_000);
      assert.equal((await admin.client.post("/api/admin/invitations", { email: "fresh@example.test", role: "doctor" })).status, 200, "within the window");
      clock.advance(2_000);
      const refused = [
        await admin.client.post("/api/admin/invitations", { email: "stale@example.test", role: "doctor" }),
        await admin.client.post(`/api/admin/patients/${patientId}/shred-approvals`, { reason: "本人からの削除請求（試験）" }),
        await admin.client.get("/api/audit/entries.csv"),
        await admin.client.post(`/api/admin/patients/${patientId}/shred`),
      ];
      for (const response of refused) {
        assert.equal(response.status, 401);
        assert.equal(response.json.code, "session.step_up_required");
      }
      assert.equal((await admin.client.get("/api/admin/keys")).status, 200, "reading the key status is not a change");

      assert.equal((await admin.client.post("/api/auth/reverify", { method: "totp", code: "000000" })).json.code, "identity.invalid_totp");
      const reverified = await admin.client.post("/api/auth/reverify", { method: "totp", code: await admin.totpCode() });
      assert.equal(reverified.status, 200, reverified.text);
      assert.equal(reverified.json.mfaAt, clock.now().getTime());
      assert.equal((await admin.client.post("/api/admin/invitations", { email: "stale@example.test", role: "doctor" })).status, 200);
      assert.equal((await admin.client.post(`/api/admin/patients/${patientId}/shred-approvals`, { reason: "本人からの削除請求（試験）" })).status, 204);
      assert.equal((await admin.client.get("/api/audit/entries.csv")).status, 200);
      const stepUps = (await auditOf(admin.accountId)).filter((entry) => entry.reasonCode === "session.step_up");
      assert.equal(stepUps.length, 1);
    });

    it("ends the session after five wrong re-verification codes", async () => {
      const doctor = await app.signedInUser("doctor");
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        assert.equal((await doctor.client.post("/api/auth/reverify", { method: "recovery_code", code: "0000-0000-0000-0000" })).json.code, "identity.invalid_recovery_code");
      }
      assert.equal((await doctor.client.post("/api/auth/reverify", { method: "totp", code: "000000" })).json.code, "session.required");
      assert.equal((await doctor.client.get("/api/session")).json.stage, "anonymous");
    });

    it("re-verifies with a recovery code too", async () => {
      const { client } = await invitedAtEnrolment("admin");
      const { done } = await enrolPasskey(client);
      clock.advance(301_000);
      assert.equal((await client.post("/api/admin/invitations", { email: "later@example.test", role: "doctor" })).status, 401);
      const reverified = await client.post("/api/auth/reverify", { method: "recovery_code", code: done.json.recoveryCodes[3] });
      assert.equal(reverified.status, 200, reverified.text);
      assert.equal((await client.post("/api/admin/invitations", { email: "later@example.test", role: "doctor" })).status, 200);
    });
  });

  describe("factor management", () => {
    it("never lets staff remove their last factor, and audits removals", async () => {
      const doctor = await app.signedInUser("doctor");
      const last = await doctor.client.request("DELETE", "/api/account/totp");
      assert.equal(last.status, 409);
      assert.equal(last.json.code, "identity.last_factor");

      const authenticator = createSoftwareAuthenticator({ origin: app.baseUrl });
      const options = await doctor.client.post("/api/account/passkeys/options");
      await doctor.client.post("/api/account/passkeys", { name: "スマートフォン", response: authenticator.create(options.json.options) });
      assert.equal((await doctor.client.request("DELETE", "/api/account/totp")).status, 204);
      const lastPasskey = await doctor.client.request("DELETE", `/api/account/passkeys/${authenticator.credentialId}`);
      assert.equal(lastPasskey.json.code, "identity.last_factor");
      const removals = (await auditOf(doctor.accountId)).filter((entry) => entry.action === "auth.factor_remove").map((entry) => [entry.outcome, entry.reasonCode]);
      assert.deepEqual(removals, [["failure", "identity.last_factor"], ["success", "identity.factor_removed"], ["failure", "identity.last_factor"]]);
      const login = await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password });
      assert.deepEqual(login.json.secondFactors, ["passkey"]);
    });

    it("lets a patient opt in to a second factor, which their next sign-in then requires", async () => {
      const doctor = await app.signedInUser("doctor");
      const patientId = await createPatient(doctor);
      const patient = await app.signedInPatient(doctor, patientId);
      const started = await patient.client.post("/api/account/totp/enrolment");
      assert.equal(started.status, 200, started.text);
      const { generate } = await import("otplib");
      const code = await generate({ secret: started.json.secret, epoch: Math.floor(clock.now().getTime() / 1000) });
      const confirmed = await patient.client.post("/api/account/totp/enrolment/confirm", { code });
      assert.equal(confirmed.status, 200, confirmed.text);
      assert.equal(confirmed.json.recoveryCodes.length, 10);
      const again = await app.client().post("/api/auth/login", { email: patient.email, password: patient.password });
      assert.equal(again.json.stage, "mfa_required");
      assert.deepEqual(again.json.secondFactors, ["totp"]);
      // Patients may opt out again unless the organisation requires a second factor.
      assert.equal((await patient.client.request("DELETE", "/api/account/totp")).status, 204);
      assert.equal((await patient.client.get("/api/account/factors")).json.recoveryCodesRemaining, 0);
      assert.equal((await app.client().post("/api/auth/login", { email: patient.email, password: patient.password })).json.stage, "active");
    });
  });
});
