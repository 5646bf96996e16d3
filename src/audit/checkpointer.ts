import type { KeyObject } from "node:crypto";
import type { Keyring } from "../crypto/index.js";
import type { Database, Executor } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { genesisHash } from "./chain.js";
import { checkpointDigest, isSignatureValid, noFloor, noPreviousCheckpoint, signCheckpoint, type Checkpoint, type RetentionFloor } from "./checkpoint.js";
import { exportCheckpoint, writeCheckpointHead } from "./checkpoint-export.js";
import { createCheckpointStore } from "./checkpoint-store.js";
import { createRetentionStore } from "./retention-store.js";
import { loadSigningKey, trustedKeysIn, type SigningKey } from "./signing-key.js";
import { linkedEntries, UnverifiableSegmentError } from "./linked-entries.js";
import { createMerkleLog } from "./merkle/merkle-log.js";
import { createAuditStore } from "./store.js";

export { UnverifiableSegmentError } from "./linked-entries.js";

export interface CheckpointPolicy {
  everyEntries: number;
  everyMs: number;
  /** Folder for exported checkpoint files; undefined keeps them in the database only. */
  exportDir: string | undefined;
  /** Other nodes' export folders, read by verify beside `exportDir` (nodes that do not share one folder). */
  peerDirs?: readonly string[] | undefined;
}

/** Thrown when the latest stored checkpoint's signature does not hold: building on it would carry a forged floor. */
export class UnverifiableCheckpointError extends Error {
  readonly seq: number;
  constructor(seq: number) {
    super(`audit checkpoint ${seq} is not signed by a key of ours; checkpoint refused`);
    this.name = "UnverifiableCheckpointError";
    this.seq = seq;
  }
}

/**
 * Signs checkpoints of the audit chain every `everyEntries` entries or `everyMs`, whichever comes first, after
 * re-verifying the new segment against the previous checkpoint, which it names by digest. Safe on several nodes:
 * one checkpoint per sequence number and per predecessor wins, the others are discarded, so the chain never forks.
 */
export function createCheckpointer(deps: {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  policy: CheckpointPolicy;
  onError?: (error: unknown) => void;
  /** Told of each checkpoint this node signed and committed: seq and digest, for a witness outside the database. */
  onCheckpoint?: (signed: { seq: number; digest: string }) => void;
}) {
  const { db, clock, policy } = deps;
  let signingKey: Promise<SigningKey> | undefined;
  let pendingEntries = 0;
  let running: Promise<Checkpoint | undefined> | undefined;
  let timer: NodeJS.Timeout | undefined;

  let trusted: Map<string, KeyObject> | undefined;
  async function trustedKey(executor: Executor, keyId: string): Promise<KeyObject | undefined> {
    if (!trusted?.has(keyId)) trusted = await trustedKeysIn(executor, deps.keyring);
    return trusted.get(keyId);
  }

  /** The latest stored checkpoint, only if its signature holds: its digest and floor are carried forward. */
  async function verifiedLatest(executor: Executor): Promise<Checkpoint | undefined> {
    const latest = await createCheckpointStore(executor).lastCheckpoint();
    if (!latest) return undefined;
    const key = await trustedKey(executor, latest.keyId);
    if (!key || !isSignatureValid(latest, key)) throw new UnverifiableCheckpointError(latest.seq);
    return latest;
  }

  /**
   * Signs and stores, through `executor` (a transaction, for the retention purge), a checkpoint of every entry after
   * the latest checkpoint, chained to it. `floor` is a new retention floor; otherwise the latest one is carried
   * forward (a checkpoint from before chaining hands over the purge anchor recorded with it, once, at the upgrade).
   * `stored` is false when another node stored a checkpoint for that sequence or predecessor first.
   */
  async function signWithin(executor: Executor, options: { floor?: RetentionFloor; restoredArchive?: string } = {}): Promise<{ checkpoint: Checkpoint; stored: boolean } | undefined> {
    signingKey ??= loadSigningKey(deps);
    const key = await signingKey;
    const entries = createAuditStore(executor);
    // The idle tick, every few seconds: nothing new is two one-row reads, no signature check. The checkpoint is read
    // before the head: the head only grows, so a checkpoint beyond it was never signed here. Such a row (planted at a
    // future seq, it would make every tick look idle and leave new entries unsigned, to be rewritten at leisure) is
    // refused loudly on every tick instead of silently obeyed.
    const lastSeq = await createCheckpointStore(executor).lastCheckpointSeq();
    const head = await entries.head();
    if (lastSeq > head.seq) throw new UnverifiableCheckpointError(lastSeq);
    if (head.seq === lastSeq) return undefined;
    const previous = await verifiedLatest(executor);
    const fromSeq = (previous?.seq ?? 0) + 1;
    if (head.seq < fromSeq) return undefined;

    const entryHashes: Buffer[] = [];
    let chain: Buffer = previous?.chainHash ?? genesisHash;
    for await (const row of linkedEntries(executor, { seq: fromSeq - 1, hash: chain }, head.seq)) {
      entryHashes.push(row.hash);
      chain = row.hash;
    }
    // Rows that end before the head: entries were deleted from the segment to be signed.
    if (fromSeq + entryHashes.length <= head.seq) throw new UnverifiableSegmentError(fromSeq + entryHashes.length);
    const floor = options.floor ?? (previous ? (previous.floor ?? (await legacyFloor(executor, signedEntryHash))) : noFloor);
    const checkpoint = signCheckpoint(
      {
        seq: head.seq,
        fromSeq,
        chainHash: chain,
        entryHashes,
        signedAt: clock.now().toISOString(),
        keyId: key.id,
        previous: previous ? checkpointDigest(previous) : noPreviousCheckpoint,
        floor,
        ...(options.restoredArchive === undefined ? {} : { restoredArchive: options.restoredArchive }),
      },
      key.privateKey,
    );
    return { checkpoint, stored: await createCheckpointStore(executor).insertCheckpoint(checkpoint) };
  }

  /** The entry hash at `seq` as a checkpoint signed by our key states it; undefined when none does. */
  async function signedEntryHash(executor: Executor, seq: number): Promise<Buffer | undefined> {
    const checkpoint = await createCheckpointStore(executor).covering(seq);
    if (!checkpoint) return undefined;
    const key = await trustedKey(executor, checkpoint.keyId);
    if (!key || !isSignatureValid(checkpoint, key)) return undefined;
    return checkpoint.entryHashes[seq - checkpoint.fromSeq];
  }

  /** The retention floor the latest (signature-checked) checkpoint states, and the sequence it covers up to. */
  async function signedState(executor: Executor): Promise<{ floor: RetentionFloor; signedThrough: number }> {
    const latest = await verifiedLatest(executor);
    if (!latest) return { floor: noFloor, signedThrough: 0 };
    return { floor: latest.floor ?? (await legacyFloor(executor, signedEntryHash)), signedThrough: latest.seq };
  }

  async function checkpointNow(options: { restoredArchive?: string } = {}): Promise<Checkpoint | undefined> {
    const signed = await signWithin(db.kysely, options);
    if (!signed) return undefined;
    if (signed.stored) announce(signed.checkpoint);
    const winner = signed.stored ? signed.checkpoint : await createCheckpointStore(db.kysely).lastCheckpoint();
    pendingEntries = 0;
    if (winner) await publish(winner);
    return winner;
  }

  /**
   * What follows a checkpoint's committed row: its file exported and marked (a failed export leaves it unexported,
   * and repairExports writes it later), and a signed Merkle tree head over the entries it covers, for per-entry
   * inclusion proofs.
   */
  async function publish(checkpoint: Checkpoint): Promise<void> {
    signingKey ??= loadSigningKey(deps);
    const key = await signingKey;
    if (policy.exportDir) await exportAndMark(policy.exportDir, checkpoint, checkpoint.keyId === key.id ? key.publicKeyDer : undefined);
    await createMerkleLog({ db, clock }).signTreeHeadAt(key, checkpoint.seq);
  }

  function announce(checkpoint: Checkpoint): void {
    try {
      deps.onCheckpoint?.({ seq: checkpoint.seq, digest: checkpointDigest(checkpoint).toString("hex") });
    } catch {
      // A witness's fault must not fail a committed checkpoint.
    }
  }

  /** Exports one stored checkpoint and records that its file exists; a conflicting file is left for verify to report. */
  async function exportAndMark(dir: string, checkpoint: Checkpoint, publicKeyDer: Buffer | undefined): Promise<void> {
    const store = createCheckpointStore(db.kysely);
    const der = publicKeyDer ?? (await store.signingKeys()).find((candidate) => candidate.id === checkpoint.keyId)?.publicKey;
    if (!der) return;
    const outcome = await exportCheckpoint(dir, checkpoint, der);
    if (outcome === "conflict") return;
    await store.markExported(checkpoint.seq, clock.now(), dir);
    // A restore's checkpoint takes the head over from the replaced trail's latest, whatever its sequence; but only
    // when its file is written now: re-exporting an old restore checkpoint (its exported_at cleared by hand) finds
    // the file present and must not move the head back over every checkpoint signed since.
    const replace = checkpoint.restoredArchive !== undefined && outcome === "written";
    if (checkpoint.previous) await writeCheckpointHead(dir, { seq: checkpoint.seq, digest: checkpointDigest(checkpoint) }, { replace });
  }

  /**
   * Writes the files of checkpoints committed but never exported (a crash between commit and file, a full or
   * unmounted folder), oldest first. A file exported once and later removed is not written again: that is for the
   * verifier to report as removed.
   */
  async function repairExports(): Promise<number> {
    if (!policy.exportDir) return 0;
    let repaired = 0;
    for (;;) {
      const store = createCheckpointStore(db.kysely);
      const pending = await store.unexported(100);
      if (pending.length === 0) return repaired;
      // The public keys once per batch, not once per checkpoint.
      const publicKeys = new Map((await store.signingKeys()).map((key) => [key.id, key.publicKey]));
      for (const checkpoint of pending) await exportAndMark(policy.exportDir, checkpoint, publicKeys.get(checkpoint.keyId));
      repaired += pending.length;
      if (pending.length < 100) return repaired;
    }
  }

  function trigger(): Promise<Checkpoint | undefined> {
    running ??= checkpointNow().finally(() => {
      running = undefined;
    });
    return running;
  }

  function runQuietly(): void {
    trigger().catch((error: unknown) => deps.onError?.(error));
  }

  let repairing: Promise<number> | undefined;
  function repairQuietly(): void {
    repairing ??= repairExports()
      .catch((error: unknown) => {
        deps.onError?.(error);
        return 0;
      })
      .finally(() => {
        repairing = undefined;
      });
  }

  return {
    /** Counts appended entries and checkpoints once enough have accumulated. */
    noteAppended(count: number): void {
      pendingEntries += count;
      if (pendingEntries >= policy.everyEntries) runQuietly();
    },
    /** Starts the time-based checkpoints. */
    start(): void {
      repairQuietly();
      // Entries left unsigned by a crash are signed now, not one interval later.
      runQuietly();
      timer = setInterval(() => {
        repairQuietly();
        runQuietly();
      }, policy.everyMs);
      timer.unref();
    },
    /** Exports the checkpoints committed without a file; returns how many were written. */
    repairExports,
    /** Signs a checkpoint of everything up to the current head now (also used at shutdown). */
    checkpointNow: trigger,
    /**
     * After a restore: the checkpoints' files are to be written again into this node's folder, and a checkpoint
     * naming the archive is signed, so verify can set aside the checkpoints of the trail the restore replaced.
     */
    async signRestore(archiveId: string): Promise<Checkpoint | undefined> {
      await running?.catch(() => undefined);
      await createCheckpointStore(db.kysely).forgetExports();
      const checkpoint = await checkpointNow({ restoredArchive: archiveId });
      await repairExports();
      return checkpoint;
    },
    signWithin,
    /** Tells the witness of a checkpoint signed through signWithin, once its transaction committed. */
    announce,
    publish,
    signedEntryHash,
    signedState,
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      await repairing;
    },
  };
}

export type Checkpointer = ReturnType<typeof createCheckpointer>;

/**
 * The purge anchor recorded before checkpoints were chained, which the first chained checkpoint signs as the floor
 * (trusted once, at the upgrade); only if a genuine checkpoint signed that hash at that seq.
 * @throws {UnverifiableSegmentError} for an anchor no checkpoint vouches for: signing it would bless a deletion.
 */
async function legacyFloor(executor: Executor, signedHash: (executor: Executor, seq: number) => Promise<Buffer | undefined>): Promise<RetentionFloor> {
  const anchor = await createRetentionStore(executor).latestAnchor();
  if (!anchor) return noFloor;
  if (!(await signedHash(executor, anchor.purgedThroughSeq))?.equals(anchor.anchorHash)) throw new UnverifiableSegmentError(anchor.purgedThroughSeq);
  return { seq: anchor.purgedThroughSeq, hash: anchor.anchorHash };
}
