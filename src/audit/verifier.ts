import type { KeyObject } from "node:crypto";
import path from "node:path";
import type { Database } from "../db/index.js";
import { genesisHash, linkHash } from "./chain.js";
import { checkpointDigest, isSignatureValid, noPreviousCheckpoint, type Checkpoint, type RetentionFloor } from "./checkpoint.js";
import type { CheckpointHead, ExportedCheckpoint } from "./checkpoint-export.js";
import { createAuditStore } from "./store.js";

export type ChainProblem =
  | "content_altered" // the entry's content or stored hash was changed
  | "chain_broken" // the entry does not follow the one before it (moved, inserted or reordered)
  | "entries_missing" // a sequence number is absent (deleted), or the trail starts below no signed retention floor
  | "time_moved" // the entry's stored time (recorded_at, which retention reads) is not the time its hash covers
  | "differs_from_checkpoint" // the entry's hash is not the one a signed checkpoint recorded (rewritten chain)
  | "tail_missing" // the chain ends before the recorded head or a signed checkpoint (truncated)
  | "anchor_unverified"; // the starting point left by a retention purge is not a floor a checkpoint signed

export type CheckpointProblem =
  | "signature_invalid" // the checkpoint was altered or signed by a key we do not hold
  | "unreadable" // an exported file is not a checkpoint
  | "conflict" // the exported and stored checkpoints for one sequence differ
  | "missing" // checkpoints do not cover the chain contiguously (one was deleted)
  | "missing_from_export" // a stored checkpoint's exported file, once written, is gone (removed)
  | "not_exported_yet" // a stored checkpoint whose file was never written (crash, full folder): the service writes it; not tampering
  | "missing_from_database" // an exported checkpoint has no stored copy (its row was deleted)
  | "unchained" // a checkpoint does not sign the digest of the checkpoint before it (one was removed or replaced)
  | "latest_removed" // the export folder's head names a checkpoint that is gone (the latest, row and file)
  | "in_unread_folder" // a stored checkpoint's file went to a folder verify was not given (another node's): name it
  | "superseded_by_restore" // an exported checkpoint of the trail a restore replaced (signed before the restore's checkpoint): not tampering
  | "newer_than_snapshot"; // drill: an exported checkpoint signed after the archive was taken: not tampering

export interface VerifyReport {
  intact: boolean;
  checked: number;
  lastSeq: number;
  /** Signed checkpoints the chain was compared with. */
  checkpoints: number;
  firstBroken?: { seq: number; problem: ChainProblem };
  checkpointProblems: Array<{ seq: number; problem: CheckpointProblem; file?: string }>;
}

export interface CheckpointEvidence {
  /** Public keys proven to be ours (see signing-key.ts trustedDatabaseKeys). */
  trustedKeys: Map<string, KeyObject>;
  stored: Checkpoint[];
  /** Undefined when no export folder is configured. */
  exported: ExportedCheckpoint[] | undefined;
  /** Sequences of the stored checkpoints whose file was written once; absent: every stored one counts as written. */
  exportedSeqs?: ReadonlySet<number> | undefined;
  /** Each folder's record of its newest checkpoint (see checkpoint-export.ts writeCheckpointHead). */
  heads?: ReadonlyArray<{ folder: string; head: CheckpointHead | "unreadable" | undefined }> | undefined;
  /** The folders the exported files were read from. */
  folders?: readonly string[] | undefined;
  /** The folder each stored checkpoint's file first went to. */
  exportedTo?: ReadonlyMap<number, string> | undefined;
  /** The database is a restored archive under test: checkpoints exported after its last stored one are newer. */
  snapshot?: boolean | undefined;
}

/** Problems that are not evidence of tampering: reported, but the trail is still intact. */
const pendingProblems: ReadonlySet<CheckpointProblem> = new Set(["not_exported_yet", "superseded_by_restore", "newer_than_snapshot"]);

const pageSize = 5_000;

/**
 * Walks the whole chain in order, checking each link and each entry against the signed checkpoints, and
 * reports the first entry that breaks it plus every checkpoint that is itself wrong. `onProgress` is called after
 * each page with entries checked so far and the total.
 */
export async function verifyChain(
  db: Database,
  options: {
    onProgress?: (checked: number, total: number) => void;
    evidence?: CheckpointEvidence;
    /** Where the chain starts after a retention purge: the last purged seq and the chain hash there. */
    anchor?: { purgedThroughSeq: number; anchorHash: Buffer } | undefined;
  } = {},
): Promise<VerifyReport> {
  const store = createAuditStore(db.kysely);
  const total = await store.count();
  const head = await store.head();
  const { valid, problems } = options.evidence ? checkCheckpoints(options.evidence) : { valid: [], problems: [] };
  const signedHashAt = indexHashes(valid);
  const signedUpTo = valid.at(-1)?.seq ?? 0;
  // With checkpoints to go by, the trail starts where the highest signed retention floor says, never where a row
  // of audit_retention alone says: any gap not covered by a signed floor is a deletion.
  const floor = options.evidence ? highestFloor(valid) : undefined;
  const start = options.evidence ? floor : options.anchor && { seq: options.anchor.purgedThroughSeq, hash: options.anchor.anchorHash };

  let expectedSeq = (start?.seq ?? 0) + 1;
  let previous: Buffer = start && start.seq > 0 ? start.hash : genesisHash;
  let checked = 0;
  const report = (firstBroken?: VerifyReport["firstBroken"]): VerifyReport => ({
    intact: !firstBroken && problems.every((problem) => pendingProblems.has(problem.problem)),
    checked,
    lastSeq: expectedSeq - 1,
    checkpoints: valid.length,
    ...(firstBroken ? { firstBroken } : {}),
    checkpointProblems: problems,
  });

  if (floor && floor.seq > 0 && !signedHashAt(floor.seq)?.equals(floor.hash)) return report({ seq: floor.seq, problem: "anchor_unverified" });
  // Without checkpoints to go by, the anchor row is all there is, and its purge must be recorded in the chain.
  const legacyAnchor = options.evidence ? undefined : options.anchor;

  // A genuine purge records itself in the chain; an anchor without that record was planted to hide a deletion.
  let isPurgeRecorded = legacyAnchor === undefined;
  const purgeRecordId = legacyAnchor ? `-${legacyAnchor.purgedThroughSeq}` : "";

  for await (const rows of store.chainPages(expectedSeq - 1, pageSize)) {
    for (const row of rows) {
      if (!isPurgeRecorded && isPurgeRecord(row.entry, purgeRecordId)) isPurgeRecorded = true;
      if (row.seq !== expectedSeq) return report({ seq: expectedSeq, problem: "entries_missing" });
      if (!row.prevHash.equals(previous)) return report({ seq: row.seq, problem: "chain_broken" });
      if (!linkHash(previous, row.seq, row.entry).equals(row.hash)) return report({ seq: row.seq, problem: "content_altered" });
      if (row.recordedAt.getTime() !== Date.parse((row.entry as { at?: string }).at ?? "")) return report({ seq: row.seq, problem: "time_moved" });
      const signed = signedHashAt(row.seq);
      if (signed && !signed.equals(row.hash)) return report({ seq: row.seq, problem: "differs_from_checkpoint" });
      previous = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    options.onProgress?.(checked, total);
  }
  const lastSeq = expectedSeq - 1;
  if (!isPurgeRecorded) return report({ seq: legacyAnchor!.purgedThroughSeq, problem: "anchor_unverified" });
  if (lastSeq < Math.max(head.seq, signedUpTo)) return report({ seq: lastSeq + 1, problem: "tail_missing" });
  if (lastSeq > head.seq || !previous.equals(head.seq === 0 ? genesisHash : head.hash)) return report({ seq: head.seq + 1, problem: "chain_broken" });
  // The entries are whole; an anchor row that names no signed floor was still planted or altered.
  const anchor = options.evidence ? options.anchor : undefined;
  if (anchor && !valid.some((checkpoint) => checkpoint.floor?.seq === anchor.purgedThroughSeq && checkpoint.floor.hash.equals(anchor.anchorHash))) {
    return report({ seq: anchor.purgedThroughSeq, problem: "anchor_unverified" });
  }
  return report();
}

/** Keeps the checkpoints whose signatures hold and which agree with each other; lists every one that does not. */
function checkCheckpoints(evidence: CheckpointEvidence): { valid: Checkpoint[]; problems: VerifyReport["checkpointProblems"] } {
  const problems: VerifyReport["checkpointProblems"] = [];
  const isGenuine = (checkpoint: Checkpoint) => {
    const key = evidence.trustedKeys.get(checkpoint.keyId);
    return key !== undefined && isSignatureValid(checkpoint, key);
  };
  const wasExported = (seq: number) => evidence.exportedSeqs?.has(seq) ?? true;
  // Looked up once per exported file: a set, since checkpoints every few seconds make thousands of them.
  const storedSeqs = new Set(evidence.stored.map((checkpoint) => checkpoint.seq));
  const bySeq = new Map<number, Checkpoint>();
  for (const checkpoint of evidence.stored) {
    if (isGenuine(checkpoint)) bySeq.set(checkpoint.seq, checkpoint);
    else problems.push({ seq: checkpoint.seq, problem: "signature_invalid" });
  }
  const setAside = setAsideRule(evidence, [...bySeq.values()]);
  const setAsideDigests: Buffer[] = [];
  if (evidence.exported) {
    const exportedSeqs = new Set<number>();
    for (const file of evidence.exported) {
      if (!file.checkpoint) {
        const seq = Number(/(\d+)\.json$/.exec(file.file)?.[1] ?? 0);
        // A file torn by a crash before its checkpoint was ever marked written is an export still to do.
        const torn = file.empty === true && storedSeqs.has(seq) && !wasExported(seq);
        if (torn) exportedSeqs.add(seq);
        problems.push({ seq, problem: torn ? "not_exported_yet" : "unreadable", file: file.file });
        continue;
      }
      const checkpoint = file.checkpoint;
      if (!isGenuine(checkpoint)) {
        exportedSeqs.add(checkpoint.seq);
        problems.push({ seq: checkpoint.seq, problem: "signature_invalid", file: file.file });
        continue;
      }
      const known = bySeq.get(checkpoint.seq);
      if (known && sameCheckpoint(known, checkpoint)) {
        exportedSeqs.add(checkpoint.seq);
        if (!storedSeqs.has(checkpoint.seq)) problems.push({ seq: checkpoint.seq, problem: "missing_from_database", file: file.file });
        continue;
      }
      const aside = setAside(checkpoint);
      if (aside) {
        setAsideDigests.push(checkpointDigest(checkpoint));
        problems.push({ seq: checkpoint.seq, problem: aside, file: file.file });
        continue;
      }
      exportedSeqs.add(checkpoint.seq);
      if (known) problems.push({ seq: checkpoint.seq, problem: "conflict", file: file.file });
      else bySeq.set(checkpoint.seq, checkpoint);
      if (!storedSeqs.has(checkpoint.seq)) problems.push({ seq: checkpoint.seq, problem: "missing_from_database", file: file.file });
    }
    for (const checkpoint of evidence.stored) {
      if (exportedSeqs.has(checkpoint.seq)) continue;
      const folder = evidence.exportedTo?.get(checkpoint.seq);
      if (!wasExported(checkpoint.seq)) problems.push({ seq: checkpoint.seq, problem: "not_exported_yet" });
      else if (folder !== undefined && evidence.folders && !evidence.folders.includes(folder)) problems.push({ seq: checkpoint.seq, problem: "in_unread_folder", file: folder });
      else problems.push({ seq: checkpoint.seq, problem: "missing_from_export" });
    }
  }
  const valid = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  let expectedFrom = 1;
  let before: Checkpoint | undefined;
  for (const checkpoint of valid) {
    if (checkpoint.fromSeq !== expectedFrom) problems.push({ seq: expectedFrom, problem: "missing" });
    // The chain of digests: each chained checkpoint names the one before it (or none, for the first).
    if (checkpoint.previous && !checkpoint.previous.equals(before ? checkpointDigest(before) : noPreviousCheckpoint)) problems.push({ seq: checkpoint.seq, problem: "unchained" });
    expectedFrom = checkpoint.seq + 1;
    before = checkpoint;
  }
  const lastStoredSeq = valid.at(-1)?.seq ?? 0;
  for (const { folder, head } of evidence.heads ?? []) {
    const file = path.join(folder, "checkpoint-head.json");
    if (head === "unreadable") problems.push({ seq: 0, problem: "unreadable", file });
    if (!head || head === "unreadable") continue;
    if (valid.some((checkpoint) => checkpoint.seq === head.seq && checkpointDigest(checkpoint).equals(head.digest))) continue;
    if (setAsideDigests.some((digest) => digest.equals(head.digest)) || (evidence.snapshot && head.seq > lastStoredSeq)) continue;
    problems.push({ seq: head.seq, problem: "latest_removed", file });
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { valid, problems };
}

/**
 * What an exported checkpoint that the database does not hold may be, other than evidence of removal: one of the
 * trail a restore replaced (beyond the restore's predecessor, signed before the restore's own signed checkpoint), or,
 * in a drill, one signed after the archive's last checkpoint.
 */
function setAsideRule(evidence: CheckpointEvidence, genuineStored: readonly Checkpoint[]): (checkpoint: Checkpoint) => CheckpointProblem | undefined {
  const restores = genuineStored.filter((checkpoint) => checkpoint.restoredArchive !== undefined);
  const lastStoredSeq = Math.max(0, ...genuineStored.map((checkpoint) => checkpoint.seq));
  return (checkpoint) => {
    const replaced = restores.some((restore) => checkpoint.seq >= restore.fromSeq && Date.parse(checkpoint.signedAt) < Date.parse(restore.signedAt));
    if (replaced) return "superseded_by_restore";
    if (evidence.snapshot && checkpoint.fromSeq > lastStoredSeq) return "newer_than_snapshot";
    return undefined;
  };
}

function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  return a.fromSeq === b.fromSeq && a.chainHash.equals(b.chainHash) && Buffer.concat(a.entryHashes).equals(Buffer.concat(b.entryHashes)) && a.signature.equals(b.signature);
}

/** Looks up the signed hash of an entry, if a checkpoint covers it. */
function indexHashes(checkpoints: readonly Checkpoint[]): (seq: number) => Buffer | undefined {
  return (seq) => {
    // Checkpoints are few and sorted; a binary search keeps a million-entry walk cheap.
    let low = 0;
    let high = checkpoints.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const checkpoint = checkpoints[mid]!;
      if (seq < checkpoint.fromSeq) high = mid - 1;
      else if (seq > checkpoint.seq) low = mid + 1;
      else return checkpoint.entryHashes[seq - checkpoint.fromSeq];
    }
    return undefined;
  };
}

/** The highest retention floor the signed checkpoints state; floors only rise, so the newest holds. */
function highestFloor(checkpoints: readonly Checkpoint[]): RetentionFloor | undefined {
  let highest: RetentionFloor | undefined;
  for (const checkpoint of checkpoints) if (checkpoint.floor && (!highest || checkpoint.floor.seq > highest.seq)) highest = checkpoint.floor;
  return highest;
}

function isPurgeRecord(entry: unknown, idSuffix: string): boolean {
  const candidate = entry as { action?: unknown; resource?: { id?: unknown } };
  return candidate.action === "audit.retention_purge" && typeof candidate.resource?.id === "string" && candidate.resource.id.endsWith(idSuffix);
}
