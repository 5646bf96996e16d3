import type { Executor } from "../db/index.js";
import { linkHash } from "./chain.js";
import { createAuditStore, type StoredRow } from "./store.js";

/** Thrown when the chain segment to be signed does not verify: signing it would bless tampering. */
export class UnverifiableSegmentError extends Error {
  readonly seq: number;
  constructor(seq: number) {
    super(`audit chain does not verify at entry ${seq}; checkpoint refused`);
    this.seq = seq;
    this.name = "UnverifiableSegmentError";
  }
}

const pageSize = 2_000;

/**
 * The entries after `from` up to `through`, in order, each checked to follow the one before it: the next seq, the
 * previous entry's hash, and its own hash over its content. Ends early where the rows end (the caller decides what
 * a short segment means). Shared by the checkpointer, which signs what it walks, and the retention purge, which
 * deletes only what it walked.
 * @throws {UnverifiableSegmentError} naming the first entry that does not follow.
 */
export async function* linkedEntries(executor: Executor, from: { seq: number; hash: Buffer }, through: number): AsyncGenerator<StoredRow> {
  const entries = createAuditStore(executor);
  let chain = from.hash;
  let expected = from.seq + 1;
  while (expected <= through) {
    const rows = await entries.page(expected - 1, Math.min(pageSize, through - expected + 1));
    if (rows.length === 0) return;
    for (const row of rows) {
      if (row.seq !== expected || !row.prevHash.equals(chain) || !linkHash(chain, row.seq, row.entry).equals(row.hash)) throw new UnverifiableSegmentError(expected);
      yield row;
      chain = row.hash;
      expected += 1;
    }
  }
}
