import type { Database } from "../db/index.js";
import { genesisHash, linkHash } from "./chain.js";
import { createAuditStore } from "./store.js";

export type ChainProblem =
  | "content_altered" // the entry's content or stored hash was changed
  | "chain_broken" // the entry does not follow the one before it (moved, inserted or reordered)
  | "entries_missing" // a sequence number is absent (deleted)
  | "tail_missing"; // the chain ends before the recorded head (truncated)

export interface VerifyReport {
  intact: boolean;
  checked: number;
  lastSeq: number;
  firstBroken?: { seq: number; problem: ChainProblem };
}

const pageSize = 2_000;

/**
 * Walks the whole chain in order and reports the first entry that breaks it. `onProgress` is called after each
 * page with entries checked so far and the total.
 */
export async function verifyChain(db: Database, onProgress?: (checked: number, total: number) => void): Promise<VerifyReport> {
  const store = createAuditStore(db.kysely);
  const total = await store.count();
  const head = await store.head();
  let expectedSeq = 1;
  let previous: Buffer = genesisHash;
  let checked = 0;
  const broken = (seq: number, problem: ChainProblem): VerifyReport => ({ intact: false, checked, lastSeq: expectedSeq - 1, firstBroken: { seq, problem } });

  for (;;) {
    const rows = await store.page(expectedSeq - 1, pageSize);
    for (const row of rows) {
      if (row.seq !== expectedSeq) return broken(expectedSeq, "entries_missing");
      if (!row.prevHash.equals(previous)) return broken(row.seq, "chain_broken");
      if (!linkHash(previous, row.seq, row.entry).equals(row.hash)) return broken(row.seq, "content_altered");
      previous = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    onProgress?.(checked, total);
    if (rows.length < pageSize) break;
  }
  const lastSeq = expectedSeq - 1;
  if (lastSeq < head.seq) return broken(lastSeq + 1, "tail_missing");
  if (lastSeq > head.seq || !previous.equals(head.seq === 0 ? genesisHash : head.hash)) return broken(head.seq + 1, "chain_broken");
  return { intact: true, checked, lastSeq };
}
