import assert from "node:assert/strict";
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createManualClock, type Principal } from "../kernel/index.js";
import { startTestApp, type TestApp } from "../testing/index.js";
import { createWebhookStore } from "./webhook-store.js";

interface Received {
  status: number;
  isSignatureValid: boolean;
  timestamp: number;
  body: Record<string, unknown>;
}

/**
 * A webhook receiver that checks signatures the way the Standard Webhooks reference libraries do: HMAC-SHA256 of
 * `id.timestamp.body` under the base64 key after `whsec_`, compared in constant time. It answers with the scripted
 * status codes in turn.
 */
function startReceiver(secret: string, statuses: number[]) {
  const received: Received[] = [];
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const id = String(request.headers["webhook-id"]);
      const timestamp = Number(request.headers["webhook-timestamp"]);
      const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
      const signatures = String(request.headers["webhook-signature"]).split(" ").map((part) => Buffer.from(part.replace(/^v1,/, ""), "base64"));
      const isSignatureValid = signatures.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
      const status = statuses.shift() ?? 200;
      received.push({ status, isSignatureValid, timestamp, body: JSON.parse(body) as Record<string, unknown> });
      response.writeHead(isSignatureValid ? status : 401).end();
    });
  });
  return {
    received,
    listen: () => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// LOG-4 / NET-1: alerts reach the security officer's queue, the SIEM (they are audit entries) and a signed webhook.
describe("alert delivery", () => {
  const clock = createManualClock(new Date("2026-04-06T10:00:00+09:00"));
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const receiver = startReceiver(secret, [503, 200]);
  const siemFile = path.join(os.tmpdir(), `mamori-ids-siem-${randomUUID()}.jsonl`);
  let app: TestApp;
  let officer: Principal;
  let alertId: string;

  before(async () => {
    const port = await receiver.listen();
    app = await startTestApp({
      clock,
      env: { MAMORI_IDS_ENABLED: "false", MAMORI_IDS_WEBHOOK_URL: `http://127.0.0.1:${port}/alerts`, MAMORI_IDS_WEBHOOK_SECRET: secret, MAMORI_SIEM_FILE: siemFile },
    });
    const user = await app.signedInUser("security_officer");
    officer = { accountId: user.accountId, roles: ["security_officer"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } };
    await app.mamori.audit.record({
      action: "fhir.read",
      outcome: "success",
      actor: { accountId: randomUUID(), roles: ["doctor"] },
      patientId: "er-patient-7",
      resource: { type: "Patient", id: "er-patient-7" },
      network: { ip: "10.20.30.41", userAgent: "Mozilla/5.0" },
      breakGlass: true,
    });
    await app.mamori.ids.engine.catchUp();
    const [alert] = await app.mamori.ids.officer.listAlerts(officer, { state: "open" });
    alertId = alert!.id;
  });
  after(async () => {
    await app.close();
    await receiver.close();
  });

  it("signs the webhook, retries after a failure with backoff, and stores the delivery state", async () => {
    const webhook = app.mamori.ids.webhook!;
    assert.equal(await webhook.deliverDue(), 0, "the receiver's 503 is not a delivery");
    assert.deepEqual(await createWebhookStore(app.mamori.db.kysely).byAlert(alertId), [{ state: "pending", attempts: 1, lastStatus: 503 }]);
    assert.equal(await webhook.deliverDue(), 0, "no retry before the backoff has passed");
    assert.equal(receiver.received.length, 1);
    clock.advance(5_000);
    assert.equal(await webhook.deliverDue(), 1);
    assert.deepEqual(await createWebhookStore(app.mamori.db.kysely).byAlert(alertId), [{ state: "delivered", attempts: 2, lastStatus: 200 }]);
    assert.deepEqual(receiver.received.map((r) => r.isSignatureValid), [true, true]);
    assert.equal(receiver.received[1]!.timestamp, Math.floor(clock.now().getTime() / 1000));
  });

  it("sends identifiers only: no patient, no medical content", () => {
    const body = receiver.received[0]!.body;
    assert.equal(body["type"], "ids.alert.opened");
    const data = body["data"] as Record<string, unknown>;
    assert.equal(data["alertId"], alertId);
    assert.equal(data["ruleId"], "break_glass");
    assert.equal(data["evidenceSeqs"] instanceof Array, true);
    assert.doesNotMatch(JSON.stringify(body), /er-patient-7|patient/i);
  });

  it("carries the alert to the SIEM as an audit entry through the file sink", async () => {
    const deadline = Date.now() + 8_000;
    let lines: Array<{ metadata: { event_code: string }; resources?: Array<{ uid?: string }>; status_detail?: string }> = [];
    while (Date.now() < deadline) {
      lines = (await readFile(siemFile, "utf8").catch(() => "")).split("\n").filter(Boolean).map((line) => JSON.parse(line) as (typeof lines)[number]);
      if (lines.some((line) => line.metadata.event_code === "ids.alert")) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const alertLine = lines.find((line) => line.metadata.event_code === "ids.alert");
    assert.equal(alertLine?.resources?.[0]?.uid, alertId);
    assert.equal(alertLine?.status_detail, "ids.break_glass");
  });

  it("lists the alert in the security officer's queue over HTTP, and refuses it to a doctor", async () => {
    const officerUser = await app.signedInUser("security_officer");
    const listed = await officerUser.client.get("/api/security/alerts?state=open");
    assert.equal(listed.status, 200);
    assert.ok(listed.json.alerts.some((alert: { id: string; description: { ja: string } }) => alert.id === alertId && alert.description.ja.length > 0));
    const acknowledged = await officerUser.client.post(`/api/security/alerts/${alertId}/state`, { state: "acknowledged", note: "checking with ER" });
    assert.equal(acknowledged.json.state, "acknowledged");
    assert.equal((await officerUser.client.post(`/api/security/alerts/${alertId}/state`, { state: "acknowledged", note: "" })).json.code, "ids.alert_state_conflict");
    const doctor = await app.signedInUser("doctor");
    assert.equal((await doctor.client.get("/api/security/alerts")).status, 403);
  });

  it("keeps the watch list through the API, for security officers only, and audits each change", async () => {
    const officerUser = await app.signedInUser("security_officer");
    assert.equal((await officerUser.client.post("/api/security/watch-list", { patientId: "vip-1", label: "VIP" })).status, 204);
    const listed = await officerUser.client.get("/api/security/watch-list");
    assert.deepEqual(listed.json.patients.map((p: { patientId: string; label: string }) => [p.patientId, p.label]), [["vip-1", "VIP"]]);
    const doctor = await app.signedInUser("doctor");
    assert.equal((await doctor.client.post("/api/security/watch-list", { patientId: "vip-2", label: "VIP" })).status, 403);
    assert.equal((await doctor.client.get("/api/security/watch-list")).status, 403);
    assert.equal((await officerUser.client.request("DELETE", "/api/security/watch-list/vip-1")).status, 204);
    assert.equal((await officerUser.client.request("DELETE", "/api/security/watch-list/vip-1")).json.code, "ids.watch_list_not_found");
    const audited = await app.mamori.db.kysely
      .selectFrom("audit_entry" as never)
      .select(sql<string>`entry->>'action' || ':' || (entry->>'outcome')`.as("line"))
      .where(sql<boolean>`entry->>'action' like 'ids.watch_list_%'`)
      .orderBy("seq" as never)
      .execute();
    assert.deepEqual(
      audited.map((row) => (row as { line: string }).line),
      ["ids.watch_list_add:success", "ids.watch_list_add:denied", "ids.watch_list_read:denied", "ids.watch_list_remove:success"],
    );
  });
});
