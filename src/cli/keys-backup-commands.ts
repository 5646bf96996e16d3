import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { createAudit, type Audit, type AuditEntry } from "../audit/index.js";
import { archiveFileName, backupDatabase, drillRestore, openBackupSigningKey, pruneGenerations, restoreDatabase } from "../backup/index.js";
import type { Config } from "../config/index.js";
import { createKeyring, openKms, rewrapDataKeys, rewrapKeks, rotateKek, rotateLocalKeyFile, type KeyEvent } from "../crypto/index.js";
import { reencryptAll } from "../fhir/index.js";
import { openDatabase } from "../db/index.js";
import { systemClock } from "../kernel/index.js";
import { withServices } from "./with-services.js";
import { keysBackupUsage } from "./usage.js";

/** Who the audit trail names for an operator's command: the machine account, from the local terminal. */
const operator = { actor: { roles: ["operator"] }, network: { ip: "local", userAgent: "mamori-cli" } } satisfies Pick<AuditEntry, "actor" | "network">;


function progress(line: string): void {
  process.stderr.write(process.stderr.isTTY ? `\r${line}\u001b[K` : `${line}\n`);
}

const auditKeyEvent = (audit: Audit) => async (event: KeyEvent) => {
  await audit.record({ ...operator, action: event.action, outcome: event.outcome, reasonCode: event.reasonCode, resource: { type: "Key", id: String(event.detail["newKekId"] ?? event.detail["kekId"] ?? event.detail["masterKeyId"] ?? "") } });
};

/**
 * Runs `keys …`, `backup …` or `restore …`; returns the exit code.
 * @throws {Error} from the database, the KMS or the file system.
 */
export async function runKeysBackupCommand(config: Readonly<Config>, argv: string[]): Promise<number> {
  const [command, sub, arg] = argv;
  if (command === "keys" && sub === "status") return keysStatus(config);
  if (command === "keys" && sub === "rotate") return keysRotate(config, argv.slice(2));
  if (command === "keys" && sub === "reencrypt") return keysReencrypt(config);
  if (command === "backup" && sub === undefined) return backup(config);
  if (command === "backup" && sub === "drill") return drill(config, arg);
  if (command === "restore" && sub) return restore(config, sub);
  process.stderr.write(keysBackupUsage);
  return 2;
}

async function keysStatus(config: Readonly<Config>): Promise<number> {
  return withServices(config, async ({ db, kms }) => {
    const keyring = await createKeyring({ db, kms, clock: systemClock });
    const status = await keyring.keyStatus();
    process.stdout.write(
      [
        `KMS:                 ${status.kmsKind}`,
        `master key id:       ${status.masterKeyId}`,
        `active KEK:          ${status.kekId} (created ${status.kekCreatedAt?.toISOString() ?? "?"})`,
        `retired KEKs:        ${status.retiredKeks}`,
        `awaiting re-wrap:    ${status.pendingRewrap} data keys`,
        `master keys in use:  ${status.masterKeyIdsInUse.join(", ")}`,
        "",
      ].join("\n"),
    );
    return status.pendingRewrap === 0 ? 0 : 1;
  });
}

async function keysRotate(config: Readonly<Config>, flags: string[]): Promise<number> {
  if (flags.includes("--master") && config.kms.kind !== "local-file") {
    process.stderr.write("--master rotates the local key file; for a passphrase KMS, re-key by restoring into a new installation\n");
    return 2;
  }
  if (flags.includes("--master")) {
    const rotated = await rotateLocalKeyFile(config.masterKeyFile);
    process.stderr.write(`new master key ${rotated.keyId}; the previous one (${rotated.previousKeyId}) stays in the file for unwrap only\n`);
  }
  return withServices(config, async ({ db, audit, kms }) => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    try {
      const deps = { db, kms, clock: systemClock, onEvent: auditKeyEvent(audit), signal: controller.signal, onProgress: (p: { done: number; remaining: number }) => progress(`re-wrapping data keys: ${p.done} done, ${p.remaining} to go`) };
      if (flags.includes("--master")) {
        const keks = await rewrapKeks(deps);
        process.stdout.write(`re-wrapped ${keks} KEKs under master key ${kms.masterKeyId}\n`);
      } else if (flags.includes("--resume")) {
        process.stdout.write(`\nre-wrapped ${await rewrapDataKeys(deps)} data keys\n`);
      } else {
        const rotated = await rotateKek(deps);
        process.stdout.write(`\nnew KEK ${rotated.newKekId}; retired ${rotated.retiredKekIds.join(", ")}; re-wrapped ${rotated.rewrapped} data keys\n`);
      }
      return 0;
    } finally {
      process.removeListener("SIGINT", stop);
    }
  });
}

async function keysReencrypt(config: Readonly<Config>): Promise<number> {
  return withServices(config, async ({ db, audit, keyring }) => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    try {
      const result = await reencryptAll({ db, keyring, audit, clock: systemClock, signal: controller.signal, onProgress: (p) => progress(`re-encrypting: ${p.patients} patients`) });
      process.stdout.write(`\nre-encrypted ${result.versions} versions of ${result.patients} patients\n`);
      return 0;
    } finally {
      process.removeListener("SIGINT", stop);
    }
  });
}

async function backup(config: Readonly<Config>): Promise<number> {
  await mkdir(config.backup.dir, { recursive: true, mode: 0o700 });
  const signingKey = await openBackupSigningKey(config.backup.signingKeyFile);
  return withServices(config, async ({ db, audit, kms }) => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      const file = path.join(config.backup.dir, archiveFileName(new Date()));
      const result = await backupDatabase({ db, kms, signingKey, file, signal: controller.signal, onProgress: (p) => progress(`backing up ${p.table}: ${p.rows} rows`) });
      await audit.record({ ...operator, action: "backup.create", outcome: "success", reasonCode: "backup.created", resource: { type: "Backup", id: path.basename(file) } });
      const pruned = await pruneGenerations(config.backup.dir);
      const rows = Object.values(result.tables).reduce((sum, table) => sum + table.rows, 0);
      process.stdout.write(`\n${file}: ${rows} rows in ${Object.keys(result.tables).length} tables, ${(result.bytes / 1e6).toFixed(1)} MB in ${result.seconds.toFixed(1)} s; pruned ${pruned.length} old generations\n`);
      return 0;
    } finally {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
    }
  });
}

async function newestArchive(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((name) => /^mamori-.*\.mbk$/.test(name)).sort();
  if (names.length === 0) throw new Error(`no archive in ${dir}`);
  return path.join(dir, names.at(-1)!);
}

async function drill(config: Readonly<Config>, file: string | undefined): Promise<number> {
  const archive = file ?? (await newestArchive(config.backup.dir));
  const report = await drillRestore({ kms: await openKms(config), signingKey: await openBackupSigningKey(config.backup.signingKeyFile), file: archive, checkpoints: config.audit.checkpoints, onProgress: (p) => progress(`restoring ${p.table}: ${p.rows} rows`) });
  await withServices(config, ({ audit }) => audit.record({ ...operator, action: "backup.drill", outcome: report.ok ? "success" : "failure", reasonCode: report.ok ? "backup.drill_passed" : "backup.drill_failed", resource: { type: "Backup", id: path.basename(archive) } }));
  process.stdout.write(
    `\nrestore drill ${report.ok ? "PASSED" : "FAILED"}: ${archive}\n  ${report.tables} tables, ${report.rows} rows, table mismatches: ${report.tableMismatches.join(", ") || "none"}\n  audit chain ${report.audit.intact ? "intact" : "BROKEN"}: ${report.audit.checked} entries, ${report.audit.checkpoints} signed checkpoints\n${report.audit.intact ? "" : report.audit.problems.map((problem) => `  ${problem}\n`).join("")}  ${report.seconds.toFixed(1)} s\n`,
  );
  return report.ok ? 0 : 1;
}

async function restore(config: Readonly<Config>, file: string): Promise<number> {
  const db = await openDatabase(config);
  try {
    const kms = await openKms(config);
    const result = await restoreDatabase({ db, kms, signingKey: await openBackupSigningKey(config.backup.signingKeyFile), file, onProgress: (p) => progress(`restoring ${p.table}: ${p.rows} rows`) });
    const keyring = await createKeyring({ db, kms, clock: systemClock });
    const audit = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: config.audit.checkpoints });
    // The restore's entry and a checkpoint naming the archive continue the signed chain across the restore.
    await audit.recordRestore(result.header.archiveId, { ...operator, action: "backup.restore", outcome: "success", reasonCode: "backup.restored", resource: { type: "Backup", id: result.header.archiveId } });
    await audit.close();
    const rows = Object.values(result.tables).reduce((sum, table) => sum + table.rows, 0);
    process.stdout.write(`\nrestored ${rows} rows from ${file} (taken ${result.header.createdAt})\n`);
    return 0;
  } finally {
    await db.close();
  }
}
