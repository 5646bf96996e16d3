import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../src/kernel/index.js";
import { startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

type Entry = { action: string; outcome: string; actor: { accountId?: string } };

// AUTH-7: periodic access review of who holds which role.
describe("access review", () => {
  const clock = createManualClock();
  let app: TestApp;
  let admin: SignedInUser;
  let officer: SignedInUser;
  let doctor: SignedInUser;
  before(async () => {
    app = await startTestApp({ clock });
    admin = await app.signedInUser("admin");
    officer = await app.signedInUser("security_officer");
    doctor = await app.signedInUser("doctor");
  });
  after(() => app.close());

  it("lists every account with roles, status, dates, second factors and lock state", async () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      clock.advance(61_000);
      await app.client().post("/api/auth/login", { email: doctor.email, password: "a wrong password here" });
    }
    const report = await officer.client.get("/api/access-review");
    assert.equal(report.status, 200);
    const row = report.json.accounts.find((account: { id: string }) => account.id === doctor.accountId);
    assert.deepEqual(row.roles, ["doctor"]);
    assert.equal(row.status, "active");
    assert.equal(row.kind, "staff");
    assert.deepEqual(row.secondFactors, ["totp"]);
    assert.equal(row.failedAttempts, 10);
    assert.equal(row.lockedUntil, clock.now().getTime() + 15 * 60_000);
    assert.equal(typeof row.createdAt, "number");
    assert.equal(typeof row.lastSignInAt, "number");
    const adminRow = report.json.accounts.find((account: { id: string }) => account.id === admin.accountId);
    assert.equal(adminRow.lockedUntil, undefined);
    assert.equal(report.json.lastReview, undefined);
  });

  it("downloads the report as CSV with a byte order mark and neutralised cells", async () => {
    const csv = await admin.client.get("/api/access-review.csv");
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers["content-type"]), /^text\/csv/);
    assert.match(String(csv.headers["content-disposition"]), /attachment; filename="mamori-access-review-\d{4}-\d{2}-\d{2}\.csv"/);
    assert.equal(csv.text.charCodeAt(0), 0xfeff);
    const lines = csv.text.slice(1).trimEnd().split("\r\n");
    assert.equal(lines[0], '"account_id","display_name","email","kind","roles","status","created_at","last_sign_in_at","second_factors","failed_attempts","locked_until"');
    assert.ok(lines.some((line) => line.startsWith(`"${doctor.accountId}",`) && line.includes('"doctor"') && line.includes('"totp"')));
  });

  it("records a review, which the report then shows, audited", async () => {
    assert.equal((await officer.client.post("/api/access-review/records", { note: "四半期レビュー: 問題なし" })).status, 204);
    const report = await admin.client.get("/api/access-review");
    assert.equal(report.json.lastReview.reviewedBy, officer.accountId);
    assert.equal(report.json.lastReview.reviewedAt, clock.now().getTime());
    assert.equal(report.json.lastReview.note, "四半期レビュー: 問題なし");
    assert.match(report.json.lastReview.reviewerName, /security_officer/);
    const rows = await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: Entry } }>().selectFrom("audit_entry").select("entry").execute();
    const actions = rows.map((r) => r.entry).filter((e) => e.actor.accountId === officer.accountId).map((e) => `${e.action}:${e.outcome}`);
    assert.ok(actions.includes("identity.access_review_read:success"));
    assert.ok(actions.includes("identity.access_review_record:success"));
  });

  it("refuses the report, the CSV and the record to clinicians, and the account list to the security officer", async () => {
    const clinician = await app.signedInUser("doctor");
    assert.equal((await clinician.client.get("/api/access-review")).status, 403);
    assert.equal((await clinician.client.get("/api/access-review.csv")).status, 403);
    assert.equal((await clinician.client.post("/api/access-review/records", { note: "" })).status, 403);
    assert.equal((await clinician.client.get("/api/admin/accounts")).status, 403);
    assert.equal((await officer.client.get("/api/admin/accounts")).status, 403);
    assert.equal((await admin.client.get("/api/admin/accounts")).status, 200);
    assert.equal((await app.client().get("/api/access-review")).status, 401);
  });
});
