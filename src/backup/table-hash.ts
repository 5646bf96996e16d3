import { createHash } from "node:crypto";

const modulus = 1n << 256n;

/**
 * An order-independent hash of a table's rows: the sum modulo 2^256 of each row's SHA-256. Rows come back from
 * PostgreSQL in any order, and a changed, missing or extra row changes the sum.
 */
export function createTableHash() {
  let sum = 0n;
  let rows = 0;
  return {
    add(rowText: string): void {
      sum = (sum + BigInt(`0x${createHash("sha256").update(rowText).digest("hex")}`)) % modulus;
      rows += 1;
    },
    result: () => ({ rows, hash: sum.toString(16).padStart(64, "0") }),
  };
}

export type TableManifest = Record<string, { rows: number; hash: string }>;
