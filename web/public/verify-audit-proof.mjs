#!/usr/bin/env node
// Mamori audit proof verifier: checks, offline, that one access to your record is in the signed audit trail.
//
//   node verify-audit-proof.mjs proof.json keys.json
//
// proof.json: "証明をダウンロード" in the patient portal's access history.
// keys.json:  the published signing keys, https://<the service>/.well-known/mamori-audit-keys (fetch them from the
//             service itself, not from whoever gave you the proof).
//
// It checks that
//   1. the leaf is SHA-256(0x00 || entry hash) and its index is the access's entry number − 1,
//   2. the RFC 6962 audit path leads from that leaf to the signed root (RFC 9162 §2.1.3.2),
//   3. the tree head is signed (Ed25519) by a published key, over the RFC 8785 canonical JSON of its fields.
// What it proves: that the audit entry with this number is in the audit trail as the service signed it, so it
// cannot later be removed or changed without the signed tree heads showing it. What it does not prove: the time,
// kind, role and purpose printed beside the access in the portal. Those are the service's description of that entry,
// and this file does not contain the entry itself (it names staff and their networks), so they are not checked here.
// No dependencies: WebCrypto only, so the same functions run in a browser (import { verifyAccessProof }).

const subtle = globalThis.crypto.subtle;

const hexBytes = (hex) => {
  if (typeof hex !== "string" || !/^[0-9a-f]{64}$/.test(hex)) throw new Error("not a SHA-256 hash in hex");
  return Uint8Array.from(hex.match(/../g), (pair) => parseInt(pair, 16));
};
const base64Bytes = (text) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};
const sha256 = async (bytes) => new Uint8Array(await subtle.digest("SHA-256", bytes));
const equal = (a, b) => a.length === b.length && a.every((byte, i) => byte === b[i]);
const leafHash = (entryHash) => sha256(concat(Uint8Array.of(0), entryHash));
const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

/** RFC 9162 §2.1.3.2: the root an audit path leads to, or undefined when the path cannot belong to this tree size. */
export async function rootFromAuditPath(leafIndex, treeSize, leaf, path) {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** The bytes the tree head signature covers: canonical JSON (RFC 8785) of a flat object of strings and integers. */
export function treeHeadSignedBytes(head) {
  const fields = { format: "mamori-audit-tree-head-v1", keyId: head.keyId, rootHash: head.rootHash, signedAt: head.signedAt, treeSize: head.treeSize };
  if (!Number.isSafeInteger(fields.treeSize) || [fields.keyId, fields.rootHash, fields.signedAt].some((value) => typeof value !== "string")) throw new Error("malformed tree head");
  // Keys are ASCII, so RFC 8785's UTF-16 order is plain string order; JSON.stringify writes strings and integers as RFC 8785 does.
  const text = `{${Object.keys(fields).sort().map((key) => `${JSON.stringify(key)}:${JSON.stringify(fields[key])}`).join(",")}}`;
  return new TextEncoder().encode(text);
}

/**
 * Checks a proof against the published keys. Returns { valid: true, ... } or { valid: false, reason }; never throws
 * for a malformed proof.
 */
export async function verifyAccessProof(proof, keys) {
  try {
    if (proof?.format !== "mamori-audit-inclusion-proof-v1") return { valid: false, reason: "not a Mamori access proof" };
    const head = proof.treeHead;
    if (proof.leafIndex !== proof.access?.seq - 1) return { valid: false, reason: "the proof is for another entry than the access it shows" };
    const key = (keys?.keys ?? []).find((candidate) => candidate.keyId === head.keyId);
    if (!key || key.algorithm !== "Ed25519") return { valid: false, reason: "the tree head is signed with a key that is not published" };
    const publicKey = await subtle.importKey("spki", base64Bytes(key.publicKey), { name: "Ed25519" }, false, ["verify"]);
    if (!(await subtle.verify({ name: "Ed25519" }, publicKey, base64Bytes(head.signature), treeHeadSignedBytes(head)))) {
      return { valid: false, reason: "the tree head signature does not verify" };
    }
    if (!Array.isArray(proof.auditPath)) return { valid: false, reason: "no audit path" };
    const leaf = await leafHash(hexBytes(proof.entryHash));
    const root = await rootFromAuditPath(proof.leafIndex, head.treeSize, leaf, proof.auditPath.map(hexBytes));
    if (!root || !equal(root, hexBytes(head.rootHash))) return { valid: false, reason: "the audit path does not lead to the signed root" };
    // Only the entry number is bound to the proof; the access's other fields are not returned as if verified.
    return { valid: true, seq: proof.access.seq, treeSize: head.treeSize, signedAt: head.signedAt, keyId: head.keyId };
  } catch (error) {
    return { valid: false, reason: `malformed proof (${error instanceof Error ? error.message : String(error)})` };
  }
}

const isMain = typeof process !== "undefined" && process.argv[1] && import.meta.url === (await import("node:url")).pathToFileURL(process.argv[1]).href;
if (isMain) {
  const { readFile } = await import("node:fs/promises");
  const [proofFile, keysFile] = process.argv.slice(2);
  if (!proofFile || !keysFile) {
    console.error("usage: node verify-audit-proof.mjs proof.json keys.json");
    process.exit(2);
  }
  const result = await verifyAccessProof(JSON.parse(await readFile(proofFile, "utf8")), JSON.parse(await readFile(keysFile, "utf8")));
  if (result.valid) {
    console.log(`OK: entry ${result.seq} is in the audit tree of ${result.treeSize} entries signed at ${result.signedAt} by key ${result.keyId}`);
    console.log("   (this proves the entry is kept as signed; the time, kind and role shown beside it are not part of the proof)");
  } else {
    console.error(`INVALID: ${result.reason}`);
    process.exit(1);
  }
}
