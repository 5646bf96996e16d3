import path from "node:path";
import type { Keyring } from "../crypto/index.js";
import type { Database, Executor } from "../db/index.js";
import type { AuditEntry, RecordedAuditEntry } from "./entry.js";
import { createAuditStore } from "./store.js";
import type { Clock } from "../kernel/index.js";
import { readCheckpointHead, readExportedCheckpoints, type ExportedCheckpoint } from "./checkpoint-export.js";
import { createCheckpointStore } from "./checkpoint-store.js";
import { createCheckpointer, type CheckpointPolicy } from "./checkpointer.js";
import { createRetention, type PurgeResult } from "./retention.js";
import { createRetentionStore } from "./retention-store.js";
import { trustedDatabaseKeys } from "./signing-key.js";
import { verifyChain, type CheckpointEvidence, type VerifyReport } from "./verifier.js";
import { createAuditWriter, type AuditWriter } from "./writer.js";

export type { AccessGrant, AccessGrantKind, AuditEntry, AuditOutcome, InspectionFinding, RecordedAuditEntry } from "./entry.js";
/** The action of every grant entry (see AccessGrant). */
export const grantAction = "access.grant";
export type { AuditBatch } from "./writer.js";
export { createAuditQuery, type AuditQuery, type AuditFilter, type AuditPage } from "./query.js";
export { csvByteOrderMark, csvCell, csvHeader, csvRow } from "./csv-export.js";
export { toFhirAuditEvent, type FhirAuditEvent } from "./fhir-audit-event.js";
export { auditEventSearchLinks, auditEventSearchParams, auditFilterFromFhirSearch, type AuditEventSearchParams } from "./fhir-audit-event-search.js";
export type { VerifyReport, ChainProblem, CheckpointProblem } from "./verifier.js";
export { UnverifiableCheckpointError, UnverifiableSegmentError, type CheckpointPolicy } from "./checkpointer.js";
export { startSiemExport, type SiemExport } from "./exporters/siem-export.js";
export type { ExporterStatus } from "./exporters/exporter.js";

export interface Audit extends AuditWriter {
  /**
   * Checks the whole hash chain against itself and against every signed checkpoint, stored and exported;
   * see verifier.ts for what each problem means.
   */
  verify(onProgress?: (checked: number, total: number) => void): Promise<VerifyReport>;
  /** Signs a checkpoint of everything appended so far. */
  checkpointNow(): Promise<void>;
  /**
   * Right after a restore: appends the restore's entry and signs a checkpoint naming the archive, which continues the
   * chain of digests from the archive's last checkpoint and sets aside, in verify, the checkpoints of the trail it
   * replaced; then writes every checkpoint's file into this node's folder.
   */
  recordRestore(archiveId: string, entry: AuditEntry): Promise<void>;
  /** Writes the files of checkpoints committed but never exported (also done at start and on the timer). */
  repairCheckpointExports(): Promise<number>;
  /** Starts signing checkpoints as entries accumulate and on the timer (the service; not the verify command). */
  startCheckpoints(): void;
  /**
   * Creates the coming monthly partitions and deletes entries past the retention period, now and then daily.
   * The service runs it; the verify command does not.
   */
  startRetention(): Promise<void>;
  /** Deletes entries past the retention period now (audited, checkpointed); undefined when nothing is due. */
  purgeExpired(): Promise<PurgeResult | undefined>;
  /** Flushes pending entries, signs a last checkpoint and stops the timers. */
  close(): Promise<void>;
}

export type { PurgeResult } from "./retention.js";

const dayMs = 86_400_000;

/** The audit trail: hash-chained, group-committed writer, signed checkpoints and the verifier. */
export function createAudit(deps: {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  batchWindowMs: number;
  checkpoints: CheckpointPolicy;
  /** Years audit entries are kept (default 5). */
  retentionYears?: number;
  /**
   * The database is a restored archive under test (the drill): exported checkpoints signed after its last stored
   * one are newer than the archive, not removed from it.
   */
  snapshot?: boolean;
  onError?: (error: unknown) => void;
  /**
   * Told of each checkpoint this node signs (seq, digest hex): the service logs it, so a log collector keeps a copy
   * of the newest digest outside the database and the checkpoint folder.
   */
  onCheckpoint?: (signed: { seq: number; digest: string }) => void;
}): Audit {
  const writer = createAuditWriter(deps);
  const checkpointer = createCheckpointer({ ...deps, policy: deps.checkpoints });
  const checkpointNow = async () => {
    await writer.flush();
    await checkpointer.checkpointNow();
  };
  const retention = createRetention({
    db: deps.db,
    clock: deps.clock,
    writer,
    checkpointNow,
    checkpoints: checkpointer,
    retentionYears: deps.retentionYears ?? 5,
  });
  let checkpointing = false;
  let retentionTimer: NodeJS.Timeout | undefined;

  return {
    ...writer,
    async verify(onProgress) {
      const store = createCheckpointStore(deps.db.kysely);
      const folders = exportFolders(deps.checkpoints);
      const evidence: CheckpointEvidence = {
        trustedKeys: await trustedDatabaseKeys(deps),
        stored: await store.checkpoints(),
        exportedSeqs: await store.exportedSeqs(),
        exported: folders.length > 0 ? await readFolders(folders) : undefined,
        heads: await Promise.all(folders.map(async (folder) => ({ folder, head: await readCheckpointHead(folder) }))),
        folders,
        exportedTo: await store.exportFolders(),
        ...(deps.snapshot ? { snapshot: true } : {}),
      };
      const anchor = await createRetentionStore(deps.db.kysely).latestAnchor();
      return verifyChain(deps.db, { evidence, anchor, ...(onProgress ? { onProgress } : {}) });
    },
    async recordRestore(archiveId, entry) {
      await writer.record(entry);
      await checkpointer.signRestore(archiveId);
    },
    checkpointNow,
    repairCheckpointExports: () => checkpointer.repairExports(),
    purgeExpired: () => retention.purgeExpired(),
    async startRetention() {
      const daily = async () => {
        await retention.ensurePartitions();
        await retention.purgeExpired();
      };
      await retention.ensurePartitions();
      retentionTimer = setInterval(() => daily().catch((error: unknown) => deps.onError?.(error)), dayMs);
      retentionTimer.unref();
    },
    startCheckpoints() {
      if (checkpointing) return;
      checkpointing = true;
      writer.onAppend((entries) => checkpointer.noteAppended(entries.length));
      checkpointer.start();
    },
    async close() {
      if (retentionTimer) clearInterval(retentionTimer);
      try {
        await writer.flush();
      } catch (error) {
        // The database is gone (a start-up abandoned midway): the checkpoint loop stops all the same.
        if (checkpointing) await checkpointer.stop();
        throw error;
      }
      if (!checkpointing) return;
      await checkpointer.stop();
      await checkpointer.checkpointNow().catch((error: unknown) => deps.onError?.(error));
    },
  };
}
/** This node's export folder first, then the peers' (each once). */
function exportFolders(policy: CheckpointPolicy): string[] {
  return [...new Set([...(policy.exportDir ? [policy.exportDir] : []), ...(policy.peerDirs ?? [])])];
}

/** The files of every folder; a peer's are named by their path, so a problem says which folder holds them. */
async function readFolders(folders: readonly string[]): Promise<ExportedCheckpoint[]> {
  const files: ExportedCheckpoint[] = [];
  for (const [index, folder] of folders.entries()) {
    for (const file of await readExportedCheckpoints(folder)) files.push(index === 0 ? file : { ...file, file: path.join(folder, file.file) });
  }
  return files;
}

export { createPatientHistory, type PatientHistory } from "./patient-history.js";
export { actorOf } from "./actor.js";
export { createAffectedPatients, type AffectedPatients } from "./affected-patients.js";

/** Entries with seq above `afterSeq`, in order: for readers that follow the trail (intrusion detection). */
export async function readAuditEntriesAfter(executor: Executor, afterSeq: number, limit: number): Promise<RecordedAuditEntry[]> {
  const rows = await createAuditStore(executor).page(afterSeq, limit);
  return rows.map((row) => ({ ...(row.entry as Omit<RecordedAuditEntry, "seq">), seq: row.seq }));
}
export { createAuditProofs, auditKeysPath, type AuditProofs } from "./merkle/audit-proofs.js";
