import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { readExportedCheckpoints } from "./checkpoint-export.js";
import { createCheckpointStore } from "./checkpoint-store.js";
import { createCheckpointer, type CheckpointPolicy } from "./checkpointer.js";
import { trustedDatabaseKeys } from "./signing-key.js";
import { verifyChain, type VerifyReport } from "./verifier.js";
import { createAuditWriter, type AuditWriter } from "./writer.js";

export type { AuditEntry, AuditOutcome, RecordedAuditEntry } from "./entry.js";
export { createAuditQuery, type AuditQuery, type AuditFilter, type AuditPage } from "./query.js";
export { csvByteOrderMark, csvHeader, csvRow } from "./csv-export.js";
export { toFhirAuditEvent, type FhirAuditEvent } from "./fhir-audit-event.js";
export { auditEventSearchLinks, auditEventSearchParams, auditFilterFromFhirSearch, type AuditEventSearchParams } from "./fhir-audit-event-search.js";
export type { VerifyReport, ChainProblem, CheckpointProblem } from "./verifier.js";
export { UnverifiableSegmentError, type CheckpointPolicy } from "./checkpointer.js";
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
  /** Starts signing checkpoints as entries accumulate and on the timer (the service; not the verify command). */
  startCheckpoints(): void;
  /** Flushes pending entries, signs a last checkpoint and stops the timers. */
  close(): Promise<void>;
}

/** The audit trail: hash-chained, group-committed writer, signed checkpoints and the verifier. */
export function createAudit(deps: {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  batchWindowMs: number;
  checkpoints: CheckpointPolicy;
  onError?: (error: unknown) => void;
}): Audit {
  const writer = createAuditWriter(deps);
  const checkpointer = createCheckpointer({ ...deps, policy: deps.checkpoints });
  let checkpointing = false;

  return {
    ...writer,
    async verify(onProgress) {
      const evidence = {
        trustedKeys: await trustedDatabaseKeys(deps),
        stored: await createCheckpointStore(deps.db.kysely).checkpoints(),
        exported: deps.checkpoints.exportDir ? await readExportedCheckpoints(deps.checkpoints.exportDir) : undefined,
      };
      return verifyChain(deps.db, { evidence, ...(onProgress ? { onProgress } : {}) });
    },
    async checkpointNow() {
      await writer.flush();
      await checkpointer.checkpointNow();
    },
    startCheckpoints() {
      if (checkpointing) return;
      checkpointing = true;
      writer.onAppend((entries) => checkpointer.noteAppended(entries.length));
      checkpointer.start();
    },
    async close() {
      await writer.flush();
      if (!checkpointing) return;
      await checkpointer.stop();
      await checkpointer.checkpointNow().catch((error: unknown) => deps.onError?.(error));
    },
  };
}
