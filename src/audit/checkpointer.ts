import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { genesisHash, linkHash } from "./chain.js";
import { signCheckpoint, type Checkpoint } from "./checkpoint.js";
import { exportCheckpoint } from "./checkpoint-export.js";
import { createCheckpointStore } from "./checkpoint-store.js";
import { loadSigningKey, type SigningKey } from "./signing-key.js";
import { createAuditStore } from "./store.js";

export interface CheckpointPolicy {
  everyEntries: number;
  everyMs: number;
  /** Folder for exported checkpoint files; undefined keeps them in the database only. */
  exportDir: string | undefined;
}

/** Thrown when the chain segment to be signed does not verify: signing it would bless tampering. */
export class UnverifiableSegmentError extends Error {
  constructor(readonly seq: number) {
    super(`audit chain does not verify at entry ${seq}; checkpoint refused`);
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
    if (winner && policy.exportDir) await exportCheckpoint(policy.exportDir, winner, key.publicKeyDer);
    pendingEntries = 0;
    return winner;
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

  return {
    /** Counts appended entries and checkpoints once enough have accumulated. */
    noteAppended(count: number): void {
      pendingEntries += count;
      if (pendingEntries >= policy.everyEntries) runQuietly();
    },
    /** Starts the time-based checkpoints. */
    start(): void {
      timer = setInterval(runQuietly, policy.everyMs);
      timer.unref();
    },
    /** Signs a checkpoint of everything up to the current head now (also used at shutdown). */
    checkpointNow: trigger,
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

export type Checkpointer = ReturnType<typeof createCheckpointer>;
