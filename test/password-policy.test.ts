import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import argon2 from "argon2";
import { createManualClock } from "../src/kernel/index.js";
import { startTestApp, type TestApp } from "../src/testing/index.js";

type AccountTable = { identity_account: { id: string; password_hash: string } };

// AUTH-3: long passwords, no common ones, no composition rules; argon2id parameters kept current.
describe("password policy", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_PASSWORD_MIN_LENGTH: "14" } });
  });
  after(() => app.close());

  async function invitationToken(email: string): Promise<string> {
    const admin = await app.signedInUser("admin");
    const invited = await admin.client.post("/api/admin/invitations", { email, role: "doctor" });
    assert.equal(invited.status, 200);
    return new URL(invited.json.invitationUrl as string).hash.replace("#token=", "");
  }

  it("refuses a password shorter than the configured minimum when an invitation is accepted", async () => {
    const email = "short@example.test";
    const token = await invitationToken(email);
    const refused = await app.client().post("/api/invitations/accept", { token, email, displayName: "試験", password: "thirteen char" });
    assert.equal(refused.status, 422);
    assert.equal(refused.json.code, "identity.password_too_short");
    const accepted = await app.client().post("/api/invitations/accept", { token, email, displayName: "試験", password: "fourteen chars" });
    assert.equal(accepted.status, 200);
  });

  it("refuses a common password whatever its case, in Japanese by default and in English on request", async () => {
    const email = "common@example.test";
    const token = await invitationToken(email);
    const refused = await app.client().post("/api/invitations/accept", { token, email, displayName: "試験", password: "QWERTYUIOP123456" });
    assert.equal(refused.status, 422);
    assert.equal(refused.json.code, "identity.password_common");
    assert.match(refused.json.message, /推測されやすい/);
    const english = await app.client().post("/api/invitations/accept", { token, email, displayName: "試験", password: "Password12345678" }, { headers: { "accept-language": "en" } });
    assert.equal(english.json.code, "identity.password_common");
    assert.match(english.json.message, /common/);
  });

  // NIST SP 800-63B §5.1.1.2: context-specific words and repetitive or sequential characters are refused too.
  it("refuses the account's e-mail address, its local part, the display name and trivial patterns, with clear messages", async () => {
    const email = "Hanako.Yamada@example.test";
    const token = await invitationToken(email.toLowerCase());
    const accept = (password: string, language = "ja") =>
      app.client().post("/api/invitations/accept", { token, email: email.toLowerCase(), displayName: "山田 花子", password }, { headers: { "accept-language": language } });
    for (const [password, code] of [
      ["hanako.yamada@example.test", "identity.password_personal"],
      ["HANAKO.YAMADA@EXAMPLE.TEST", "identity.password_personal"],
      ["hanako.yamada 2026 spring", "identity.password_personal"],
      ["山田花子の秘密のパスワードです", "identity.password_personal"],
      ["aaaaaaaaaaaaaaaa", "identity.password_pattern"],
      ["AAAAAAAAAAAAAAAA", "identity.password_pattern"],
      ["abcdefghijklmnop", "identity.password_pattern"],
      ["12345678901234567", "identity.password_pattern"],
      ["asdfghjkl;'zxcvbnm", "identity.password_pattern"],
    ] as const) {
      const refused = await accept(password);
      assert.equal(refused.status, 422, password);
      assert.equal(refused.json.code, code, password);
    }
    assert.match((await accept("abcdefghijklmnop")).json.message, /キーボードの並び/);
    assert.match((await accept("abcdefghijklmnop", "en")).json.message, /keyboard rows/);
    assert.match((await accept("hanako.yamada@example.test", "en")).json.message, /e-mail address or name/);
    assert.equal((await accept("a quiet walk by the river")).status, 200);
  });

  it("applies the same rules when the signed-in user changes their password", async () => {
    const doctor = await app.signedInUser("doctor");
    const change = (newPassword: string) => doctor.client.post("/api/account/password", { currentPassword: doctor.password, newPassword });
    assert.equal((await change(`${doctor.email} again`)).json.code, "identity.password_personal");
    assert.equal((await change(doctor.email.split("@")[0]!.repeat(3))).json.code, "identity.password_personal");
    assert.equal((await change("zzzzzzzzzzzzzzzz")).json.code, "identity.password_pattern");
    assert.equal((await change("9876543210987654")).json.code, "identity.password_pattern");
  });

  it("asks no composition rules: a long lower-case passphrase is accepted", async () => {
    const email = "passphrase@example.test";
    const token = await invitationToken(email);
    assert.equal((await app.client().post("/api/invitations/accept", { token, email, displayName: "試験", password: "quiet forest in the afternoon" })).status, 200);
  });

  it("changes the signed-in user's password only with the current one, and ends their other sessions", async () => {
    const doctor = await app.signedInUser("doctor");
    const other = app.client();
    assert.equal((await other.post("/api/auth/login", { email: doctor.email, password: doctor.password })).status, 200);

    const wrong = await doctor.client.post("/api/account/password", { currentPassword: "not my password at all", newPassword: "a brand new passphrase" });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.json.code, "identity.current_password_wrong");
    const common = await doctor.client.post("/api/account/password", { currentPassword: doctor.password, newPassword: "qwertyuiop123456" });
    assert.equal(common.json.code, "identity.password_common");
    assert.equal((await doctor.client.post("/api/account/password", { currentPassword: doctor.password, newPassword: "a brand new passphrase" })).status, 204);

    assert.equal((await doctor.client.get("/api/session")).json.stage, "active");
    assert.equal((await other.get("/api/session")).json.stage, "anonymous");
    assert.equal((await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password })).status, 401);
    assert.equal((await app.client().post("/api/auth/login", { email: doctor.email, password: "a brand new passphrase" })).status, 200);
    assert.equal((await app.client().post("/api/account/password", { currentPassword: "a brand new passphrase", newPassword: "another new passphrase" })).status, 401);
  });

  it("rehashes a password stored with weaker argon2id parameters at the next successful sign-in", async () => {
    const doctor = await app.signedInUser("doctor");
    const accounts = app.mamori.db.kysely.withTables<AccountTable>();
    const weak = await argon2.hash(doctor.password, { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await accounts.updateTable("identity_account").set({ password_hash: weak }).where("id", "=", doctor.accountId).execute();

    assert.equal((await app.client().post("/api/auth/login", { email: doctor.email, password: "wrong password, no rehash" })).status, 401);
    const unchanged = await accounts.selectFrom("identity_account").select("password_hash").where("id", "=", doctor.accountId).executeTakeFirstOrThrow();
    assert.equal(unchanged.password_hash, weak);

    assert.equal((await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password })).status, 200);
    const stored = await accounts.selectFrom("identity_account").select("password_hash").where("id", "=", doctor.accountId).executeTakeFirstOrThrow();
    assert.match(stored.password_hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    assert.equal(await argon2.verify(stored.password_hash, doctor.password), true);
  });
});
