import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export const genesisHash: Buffer = Buffer.alloc(32);

/**
 * The chain link: SHA-256 over the previous hash, the sequence number and the canonical JSON (RFC 8785) of the
 * entry. Including the sequence number makes a moved entry break the chain where it lands.
 */
export function linkHash(previous: Buffer, seq: number, entry: unknown): Buffer {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(BigInt(seq));
  return createHash("sha256").update(previous).update(seqBytes).update(canonicalJson(entry)).digest();
}

/** The stored form of an entry: JSON round-tripped (undefined dropped) and free of control characters. */
export function normaliseEntry<T>(entry: T): T {
  return JSON.parse(JSON.stringify(entry, (_key, value: unknown) => (typeof value === "string" ? stripControls(value) : value))) as T;
}

function canonicalJson(entry: unknown): string {
  const text = canonicalize(entry);
  if (text === undefined) throw new Error("audit entry cannot be canonicalised");
  return text;
}

// PostgreSQL jsonb refuses NUL, and control characters in a user agent could forge lines in an exported log.
function stripControls(value: string): string {
  // oxlint-disable-next-line no-control-regex -- replacing control characters is the point of this line.
  return value.replace(/[\u0000-\u001f\u007f]/g, "\uFFFD");
}
