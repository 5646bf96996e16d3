import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createManualClock } from "../kernel/index.js";
import { startTestApp, type SignedInUser, type TestApp } from "../testing/index.js";
import { charactersWithoutOutline } from "../testing/pdf-pages.js";

const run = promisify(execFile);
const dayMs = 86_400_000;

async function pdfText(bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-pdf-"));
  await writeFile(path.join(dir, "doc.pdf"), bytes);
  return (await run("pdftotext", ["-enc", "UTF-8", path.join(dir, "doc.pdf"), "-"])).stdout;
}

describe("compliance API", () => {
  const clock = createManualClock(new Date());
  let app: TestApp;
  let officer: SignedInUser;
  let admin: SignedInUser;
  let approver: SignedInUser | undefined;

  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_DATA_CENTRE_LOCATION: "東京リージョン" } });
    admin = await app.signedInUser("admin");
    officer = await app.signedInUser("security_officer");
  });
  after(() => app.close());

  it("gives the security officer the report: every control, counts by kind, unknown kept apart from not met", async () => {
    const response = await officer.client.get("/api/compliance/report");
    assert.equal(response.status, 200);
    const report = response.json;
    assert.equal(report.controls.length, 41);
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    assert.equal(total(report.summary.all), 41);
    assert.equal(total(report.summary.technical) + total(report.summary.operational) + total(report.summary.organisational), 41);
    // A control with only checks still to be written (and no attestation) is not yet checked, never met.
    type ControlView = { id: string; status: string; attestationRequired: boolean; checks: Array<{ implemented: boolean }> };
    const unchecked = (report.controls as ControlView[]).filter((control) => !control.attestationRequired && control.checks.length > 0 && control.checks.every((check) => !check.implemented));
    for (const control of unchecked) assert.equal(control.status, "unknown", control.id);
    // SES-2 (OIDC token lifetimes) has its check: 300 s access tokens, 7-day refresh chains, rotation on.
    const tokenLifetimes = (report.controls as ControlView[]).find((control) => control.id === "SES-2");
    assert.equal(tokenLifetimes?.status, "met");
    assert.equal(tokenLifetimes?.checks[0]?.implemented, true);
    // AUTH-4 (lockout) has its check: the default lockout (10 failures, 15 minutes) is met.
    assert.equal(report.controls.find((control: { id: string }) => control.id === "AUTH-4").status, "met");
    assert.ok(report.policies.some((policy: { id: string }) => policy.id === "admin-never-reads-clinical"));
  });

  it("refuses the report and attestations to administrators and doctors (PROV-1, ORG-1)", async () => {
    assert.equal((await admin.client.get("/api/compliance/report")).status, 403);
    assert.equal((await admin.client.get("/api/compliance/documents/report/pdf")).status, 403);
    assert.equal((await admin.client.post("/api/compliance/attestations", { controlId: "ORG-1", statement: "任命済み", validDays: 365, document: { title: "任命書" } })).status, 403);
  });

  it("records a signed attestation that, approved by an administrator, turns an organisational control met until it expires", async () => {
    const before = (await officer.client.get("/api/compliance/report")).json.controls.find((control: { id: string }) => control.id === "ORG-1");
    assert.equal(before.status, "not_met");
    const created = await officer.client.post("/api/compliance/attestations", { controlId: "ORG-1", statement: "情報管理責任者を任命し、安全管理方針を定めた", validDays: 30, document: { title: "任命書" } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.signatureValid, true);
    // Approved by another administrator than the one who invited the officer (that one may not: one person, two accounts).
    approver ??= await app.signedInUser("admin");
    assert.equal((await approver.client.post(`/api/compliance/attestations/${created.json.id}/approve`, {})).status, 200);
    const after = (await officer.client.get("/api/compliance/report")).json.controls.find((control: { id: string }) => control.id === "ORG-1");
    assert.equal(after.status, "met");
    assert.equal(after.attestation.attestedBy, officer.accountId);

    const attested = (await app.mamori.audit.verify()).intact;
    assert.equal(attested, true);
    clock.advance(31 * dayMs);
    const expired = await app.mamori.compliance.attestations.latest();
    assert.equal(expired.find((view) => view.controlId === "ORG-1")?.expired, true);
    clock.advance(-31 * dayMs);
  });

  it("notices an attestation edited in the database: its signature no longer verifies", async () => {
    const created = await officer.client.post("/api/compliance/attestations", { controlId: "ORG-2", statement: "2026年度の教育を実施", validDays: 365, document: { title: "2026年度 教育記録" } });
    approver ??= await app.signedInUser("admin");
    assert.equal((await approver.client.post(`/api/compliance/attestations/${created.json.id}/approve`, {})).status, 200);
    await sql`update compliance_attestation set statement = '教育は不要' where control_id = 'ORG-2'`.execute(app.mamori.db.kysely);
    const view = (await app.mamori.compliance.attestations.latest()).find((candidate) => candidate.controlId === "ORG-2");
    assert.equal(view?.signatureValid, false);
    const report = (await officer.client.get("/api/compliance/report")).json;
    assert.equal(report.controls.find((control: { id: string }) => control.id === "ORG-2").status, "not_met");
  });

  it("refuses to attest a control proven by live checks, or an unknown one", async () => {
    const technical = await officer.client.post("/api/compliance/attestations", { controlId: "ENC-1", statement: "TLS", validDays: 30, document: { title: "設定書" } });
    assert.equal(technical.status, 409);
    assert.equal(technical.json.code, "compliance.not_attestable");
    assert.equal((await officer.client.post("/api/compliance/attestations", { controlId: "XYZ-9", statement: "x", validDays: 30, document: { title: "x" } })).status, 404);
  });

  it("renders the report as a PDF whose text holds its headings, and as Japanese-first HTML", async () => {
    const pdf = await officer.client.get("/api/compliance/documents/report/pdf");
    assert.equal(pdf.status, 200);
    assert.match(String(pdf.headers["content-type"]), /application\/pdf/);
    const text = await pdfText(pdf.body);
    for (const heading of ["コンプライアンス報告書", "集計", "管理策ごとの状態", "AUTH-2", "未確認（未検査）"]) assert.ok(text.includes(heading), `PDF lacks ${heading}`);
    // The text layer is not what prints: every character must have a glyph outline in the embedded font.
    assert.deepEqual(await charactersWithoutOutline(pdf.body), []);
    const html = await officer.client.get("/api/compliance/documents/report/html");
    assert.match(html.text, /<html lang="ja">/);
    assert.match(html.text, /管理策ごとの状態/);
    assert.match(html.text, /lang="en"/);
    // Served with a policy that allows only the page's own style block, never script.
    assert.match(String(html.headers["content-security-policy"]), /^default-src 'none'; style-src 'sha256-/);
  });

  it("renders the サービス仕様適合開示書 with its chapters, configured data and 未記入 for the rest", async () => {
    const pdf = await officer.client.get("/api/compliance/documents/disclosure/pdf");
    assert.equal(pdf.status, 200);
    const text = await pdfText(pdf.body);
    for (const heading of ["サービス仕様適合開示書", "1. 事業者とサービスの基本情報", "2. 組織的安全管理対策", "3. 物理的安全対策", "4. 技術的安全管理対策", "5. 人的安全対策", "6. 合意形成と責任分界", "東京リージョン", "未記入", "利用者側で対応"]) {
      assert.ok(text.includes(heading), `disclosure PDF lacks ${heading}`);
    }
    assert.deepEqual(await charactersWithoutOutline(pdf.body), []);
    const html = await officer.client.get("/api/compliance/documents/disclosure/html");
    assert.match(html.text, /4\. 技術的安全管理対策/);
    const entries = await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: { action: string; outcome: string } } }>().selectFrom("audit_entry").select("entry").execute();
    assert.ok(entries.some((row) => row.entry.action === "compliance.report" && row.entry.outcome === "success"));
    assert.ok(entries.some((row) => row.entry.action === "compliance.attest" && row.entry.outcome === "success"));
    assert.ok(entries.some((row) => row.entry.action === "compliance.report" && row.entry.outcome === "denied"));
  });
});

describe("mamori compliance command", () => {
  it("writes the report and the disclosure as files", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-cli-compliance-"));
    // Always the embedded database in its own folder: the command must never migrate a shared server database.
    const { DATABASE_URL: _shared, ...inherited } = process.env;
    const env = { ...inherited, MAMORI_DATA_DIR: dir, MAMORI_LOG_LEVEL: "silent" };
    const cli = path.join(import.meta.dirname, "../cli/mamori.ts");
    const json = await run(process.execPath, ["--import", "tsx", cli, "compliance", "report", "--format", "json", "--out", path.join(dir, "r.json")], { env });
    assert.match(json.stdout, /41 controls/);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    assert.equal(report.format, "mamori-compliance-report");
    await run(process.execPath, ["--import", "tsx", cli, "compliance", "disclosure", "--format", "pdf", "--out", path.join(dir, "d.pdf")], { env });
    assert.ok((await pdfText(await readFile(path.join(dir, "d.pdf")))).includes("サービス仕様適合開示書"));
  });
});
