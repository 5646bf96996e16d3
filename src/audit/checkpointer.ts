import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { genesisHash, linkHash } from "./chain.js";
import { signCheckpoint, type Checkpoint } from "./checkpoint.js";
import { exportCheckpoint } from "./checkpoint-export.js";
import { createCheckpointStore } from "./checkpoint-store.js";
import { loadSigningKey, type SigningKey } from "./signing-key.js";
import { createAuditStore } from "./store.js";
import { createMerkleLog } from "./merkle/merkle-log.js";

export interface CheckpointPolicy {
  everyEntries: number;
  everyMs: number;
  /** Folder for exported checkpoint files; undefined keeps them in the database only. */
  exportDir: string | undefined;
}

/** Thrown when the chain segment to be signed does not verify: signing it would bless tampering. */
export class UnverifiableSegmentError extends Error {
  readonly seq: number;
  constructor(seq: number) {
    super(`audit chain does not verify at entry ${seq}; checkpoint refused`);
    this.seq = seq;
    this.name = "UnverifiableSegmentError";
  }
}

/**
 * Signs checkpoints of the audit chain every `everyEntries` entries or `everyMs`, whichever comes first, after
 * re-verifying the new segment against the previous checkpoint. Safe on several nodes: one checkpoint per
 * sequence number wins, the others are discarded.
 */
export function createCheckpointer(deps: { db: Database; keyring: Keyring; clock: Clock; policy: CheckpointPolicy; onError?: (error: unknown) => void }) {
  const { db, clock, policy } = deps;
  let signingKey: Promise<SigningKey> | undefined;
  let pendingEntries = 0;
  let running: Promise<Checkpoint | undefined> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function checkpointNow(): Promise<Checkpoint | undefined> {
    signingKey ??= loadSigningKey(deps);
    const key = await signingKey;
    const checkpoints = createCheckpointStore(db.kysely);
    const entries = createAuditStore(db.kysely);
    const previous = await checkpoints.lastCheckpoint();
    const head = await entries.head();
    const fromSeq = (previous?.seq ?? 0) + 1;
    if (head.seq < fromSeq) return undefined;

    const entryHashes: Buffer[] = [];
    let chain: Buffer = previous?.chainHash ?? genesisHash;
    let expected = fromSeq;
    while (expected <= head.seq) {
      const rows = await entries.page(expected - 1, Math.min(2_000, head.seq - expected + 1));
      if (rows.length === 0) throw new UnverifiableSegmentError(expected);
      for (const row of rows) {
        if (row.seq !== expected || !row.prevHash.equals(chain) || !linkHash(chain, row.seq, row.entry).equals(row.hash)) {
          throw new UnverifiableSegmentError(expected);
        }
        entryHashes.push(row.hash);
        chain = row.hash;
        expected += 1;
      }
    }
    const checkpoint = signCheckpoint({ seq: head.seq, fromSeq, chainHash: chain, entryHashes, signedAt: clock.now().toISOString(), keyId: key.id }, key.privateKey);
    const stored = await checkpoints.insertCheckpoint(checkpoint);
    const winner = stored ? checkpoint : (await checkpoints.checkpoints()).find((candidate) => candidate.seq === head.seq);
    pendingEntries = 0;
    // The row is committed first: a failed export leaves it unexported, and repairExports writes it later.
    if (winner && policy.exportDir) await exportAndMark(policy.exportDir, winner, winner.keyId === key.id ? key.publicKeyDer : undefined);
    // A signed Merkle tree head over the same entries, for per-entry inclusion proofs (merkle/merkle-log.ts).
    if (winner) await createMerkleLog({ db, clock }).signTreeHeadAt(key, winner.seq);
    return winner;
  }

  /** Exports one stored checkpoint and records that its file exists; a conflicting file is left for verify to report. */
  async function exportAndMark(dir: string, checkpoint: Checkpoint, publicKeyDer: Buffer | undefined): Promise<void> {
    const store = createCheckpointStore(db.kysely);
    const der = publicKeyDer ?? (await store.signingKeys()).find((candidate) => candidate.id === checkpoint.keyId)?.publicKey;
    if (!der) return;
    const outcome = await exportCheckpoint(dir, checkpoint, der);
    if (outcome !== "conflict") await store.markExported(checkpoint.seq, clock.now());
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
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      await repairing;
    },
  };
}

export type Checkpointer = ReturnType<typeof createCheckpointer>;
