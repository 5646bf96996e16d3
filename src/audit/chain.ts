import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export const genesisHash: Buffer = Buffer.alloc(32);

/**
 * The chain link: SHA-256 over the previous hash, the sequence number and the canonical JSON (RFC 8785) of the
 * entry. Including the sequence number makes a moved entry break the chain where it lands.
 */
export function linkHash(previous: Buffer, seq: number, entry: unknown): Buffer {
  const seqBytes = Buffer.allocUnsafe(8);
  seqBytes.writeBigUInt64BE(BigInt(seq));
  return createHash("sha256").update(previous).update(seqBytes).update(canonicalJson(entry), "utf8").digest();
}

/** The stored form of an entry: JSON round-tripped (undefined dropped) and free of control characters. */
export function normaliseEntry<T>(entry: T): T {
  return JSON.parse(JSON.stringify(entry, (_key, value: unknown) => (typeof value === "string" ? stripControls(value) : value))) as T;
}

/** RFC 8785 canonical JSON of an entry: the bytes the chain hashes. */
export function canonicalJson(entry: unknown): string {
  const text = fastCanonical(entry);
  if (text === undefined) throw new Error("audit entry cannot be canonicalised");
  return text;
}

// Any UTF-16 surrogate: only strings holding one need the library's lone-surrogate check.
const surrogate = /[\uD800-\uDFFF]/;

/**
 * The `canonicalize` package's output, several times faster on plain JSON values (what entries are): keys sorted
 * by UTF-16 code units, primitives as JSON.stringify writes them, and no per-call bookkeeping. A value outside
 * plain JSON (toJSON, NaN, a symbol, a lone surrogate…) goes to the library, so every result and every refusal is
 * the library's own. chain.test.ts compares the two on arbitrary JSON.
 */
function fastCanonical(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return surrogate.test(value) ? canonicalize(value) : JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : canonicalize(value);
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let text = "[";
        for (let i = 0; i < value.length; i += 1) {
          const item: unknown = value[i];
          if (isOutsideJson(item)) return canonicalize(value);
          text += `${i === 0 ? "" : ","}${item === undefined || typeof item === "symbol" ? "null" : fastCanonical(item)}`;
        }
        return `${text}]`;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") return canonicalize(value);
      const record = value as Record<string, unknown>;
      let text = "{";
      let first = true;
      for (const key of Object.keys(record).sort()) {
        const item = record[key];
        if (item === undefined || typeof item === "symbol") continue;
        if (isOutsideJson(item)) return canonicalize(value);
        text += `${first ? "" : ","}${fastCanonical(key)}:${fastCanonical(item)}`;
        first = false;
      }
      return `${text}}`;
    }
    default:
      return canonicalize(value);
  }
}

/** A member the library writes in its own way (a function, a bigint): the whole container is left to it. */
function isOutsideJson(value: unknown): boolean {
  return typeof value === "function" || typeof value === "bigint";
}

// PostgreSQL jsonb refuses NUL, and control characters in a user agent could forge lines in an exported log.
function stripControls(value: string): string {
  // oxlint-disable-next-line no-control-regex -- replacing control characters is the point of this line.
  return value.replace(/[\u0000-\u001f\u007f]/g, "\uFFFD");
}
