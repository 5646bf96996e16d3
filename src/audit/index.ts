import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { verifyChain, type VerifyReport } from "./verifier.js";
import { createAuditWriter, type AuditWriter } from "./writer.js";

export type { AuditEntry, AuditOutcome, RecordedAuditEntry } from "./entry.js";
export type { VerifyReport, ChainProblem } from "./verifier.js";

export interface Audit extends AuditWriter {
  /** Checks the whole hash chain; see verifier.ts for what each problem means. */
  verify(onProgress?: (checked: number, total: number) => void): Promise<VerifyReport>;
}

/** The audit trail: hash-chained, group-committed writer and its verifier. */
export function createAudit(deps: { db: Database; clock: Clock; batchWindowMs: number }): Audit {
  const writer = createAuditWriter(deps);
  return { ...writer, verify: (onProgress) => verifyChain(deps.db, onProgress) };
}
