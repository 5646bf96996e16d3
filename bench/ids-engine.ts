/**
 * Intrusion detection throughput: audit entries evaluated per second by the engine with every rule on, beside the
 * same batches read with every rule off (the cost of following the trail alone), measured in the same run.
 * BENCH_IDS_ENTRIES synthetic entries (default 100,000): 60 staff over 14 clinic days, reads of their patients
 * from the hospital network, sign-ins and a few denials (ordinary traffic: no alert expected).
 * BENCH_IDS_SHAPE=bulk instead: one integration account reads the entries over two hours, far above bulk_export's
 * bound (the load of an import or a scraper: the volume windows are what it measures).
 * Run: npx tsx bench/ids-engine.ts (DATABASE_URL=… for PostgreSQL; BENCH_IDS_ONLY=bulk_export for one rule).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { createAudit, type AuditEntry } from "../src/audit/index.js";
import { genesisHash, linkHash, normaliseEntry } from "../src/audit/chain.js";
import { loadConfig, type Config } from "../src/config/index.js";
import { createKeyring, openLocalKeyFile } from "../src/crypto/index.js";
import { createIds } from "../src/ids/index.js";
import { createManualClock } from "../src/kernel/index.js";
import { openTestDatabase } from "../src/testing/index.js";

const target = Number(process.env["BENCH_IDS_ENTRIES"] ?? 100_000);
const shape = process.env["BENCH_IDS_SHAPE"] === "bulk" ? "bulk" : "clinic";
const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-bench-ids-"));
const clock = createManualClock(new Date("2026-05-01T00:00:00+09:00"));
const config = loadConfig({ MAMORI_DATA_DIR: dir });
const staff = Array.from({ length: 60 }, (_, n) => `5b0c1d7e-3f4a-4b6c-9d8e-${String(n).padStart(12, "0")}`);
const start = new Date("2026-04-13T08:30:00+09:00").getTime();

/** Entry n of the bulk trail: one account reading evenly over two hours. */
function bulkEntryAt(n: number): { entry: AuditEntry; at: string } {
  const at = new Date(start + (n / target) * 2 * 3_600_000).toISOString();
  const actor = { accountId: staff[0]!, roles: ["doctor"], sessionId: "s-integration" };
  const patientId = `p-${n % 5_000}`;
  return { at, entry: { action: "fhir.read", outcome: "success", actor, resource: { type: "Patient", id: patientId }, patientId, network: { ip: "10.20.30.1", userAgent: "integration" } } };
}

/** Entry n of the synthetic trail and its time: 14 days, each 08:30–17:30, evenly spread. */
function entryAt(n: number): { entry: AuditEntry; at: string } {
  if (shape === "bulk") return bulkEntryAt(n);
  const perDay = Math.ceil(target / 14);
  const day = Math.floor(n / perDay);
  const at = new Date(start + day * 86_400_000 + ((n % perDay) / perDay) * 9 * 3_600_000).toISOString();
  const account = staff[n % staff.length]!;
  const network = { ip: `10.20.30.${n % staff.length}`, userAgent: "Mozilla/5.0 (bench)" };
  const actor = { accountId: account, roles: ["doctor"], sessionId: `s-${day}-${n % staff.length}` };
  if (n % 400 < staff.length && n % 400 === n % staff.length) return { at, entry: { action: "auth.password", outcome: "success", actor, network } };
  const patientId = `p-${n % staff.length}-${(n * 7) % 25}`;
  const denied = n % 997 === 0;
  return { at, entry: { action: "fhir.read", outcome: denied ? "denied" : "success", actor, resource: { type: "Patient", id: patientId }, patientId, network } };
}

async function fill(db: Awaited<ReturnType<typeof openTestDatabase>>): Promise<void> {
  let previous: Buffer = genesisHash;
  let seq = 0;
  while (seq < target) {
    const rows = [];
    for (let i = 0; i < 1_000 && seq < target; i += 1) {
      seq += 1;
      const { entry, at } = entryAt(seq);
      const stored = normaliseEntry({ ...entry, at });
      const hash = linkHash(previous, seq, stored);
      rows.push(sql`(${seq}, ${at}, ${JSON.stringify(stored)}, ${previous}, ${hash})`);
      previous = hash;
    }
    await sql`insert into audit_entry (seq, recorded_at, entry, prev_hash, hash) values ${sql.join(rows)}`.execute(db.kysely);
  }
  await sql`update audit_chain_head set seq = ${seq}, hash = ${previous}`.execute(db.kysely);
}

async function measure(settings: Config["ids"]): Promise<{ rate: number; alerts: number; kind: string }> {
  const db = await openTestDatabase();
  try {
    const keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock });
    const audit = createAudit({ db, keyring, clock, batchWindowMs: 0, checkpoints: { everyEntries: 1_000_000_000, everyMs: 3_600_000, exportDir: undefined } });
    await fill(db);
    const ids = createIds({ db, audit, clock, settings, signInStepMs: 300_000, may: () => ({ allowed: true, reasonCode: "bench" }) });
    const started = performance.now();
    const evaluated = await ids.engine.catchUp();
    const seconds = (performance.now() - started) / 1000;
    const alerts = await sql<{ n: number }>`select count(*)::int as n from ids_alert`.execute(db.kysely);
    await audit.close();
    return { rate: evaluated / seconds, alerts: alerts.rows[0]!.n, kind: db.kind };
  } finally {
    await db.close();
  }
}

try {
  const allOff = { ...config.ids, rules: Object.fromEntries(Object.entries(config.ids.rules).map(([id, rule]) => [id, { ...rule, enabled: false }])) as Config["ids"]["rules"] };
  const off = await measure(allOff);
  // BENCH_IDS_ONLY=rule_a,rule_b measures just those rules (to find the costly one).
  const only = process.env["BENCH_IDS_ONLY"]?.split(",");
  const on = await measure(only ? { ...config.ids, rules: Object.fromEntries(Object.entries(config.ids.rules).map(([id, rule]) => [id, { ...rule, enabled: only.includes(id) }])) as Config["ids"]["rules"] } : config.ids);
  console.log(`\nintrusion detection engine, ${on.kind}, ${target} entries (${shape === "bulk" ? "one account reading for two hours" : "60 staff over 14 clinic days"}), batch ${config.ids.batchSize}\n`);
  console.log("rules        | entries/s | alerts");
  console.log(`${only ? only.join(",") : "all 9 on"}     | ${on.rate.toFixed(0).padStart(9)} | ${on.alerts}`);
  console.log(`all off      | ${off.rate.toFixed(0).padStart(9)} | ${off.alerts}`);
  console.log(`ratio on/off | ${(on.rate / off.rate).toFixed(2)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
