import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { consistencyProof, inclusionPath, leafHash, nodeHash, subtreeHashFrom, verifyConsistency, verifyInclusion } from "./tree.js";

// RFC 6962 §2.1 written out as the RFC writes it, over plain arrays: the reference the unrolled code must match.
const sha = (...parts: Uint8Array[]) => parts.reduce((hash, part) => hash.update(part), createHash("sha256")).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.from([0]), d[0]!);
  return sha(Buffer.from([1]), mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const split = k(d.length);
  return m < split ? [...path(m, d.slice(0, split)), mth(d.slice(split))] : [...path(m - split, d.slice(split)), mth(d.slice(0, split))];
}
function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const split = k(d.length);
  return m <= split ? [...subproof(m, d.slice(0, split), b), mth(d.slice(split))] : [...subproof(m - split, d.slice(split), false), mth(d.slice(0, split))];
}

const entries = (count: number) => Array.from({ length: count }, (_, i) => sha(Buffer.from(`entry ${i}`)));
const hashOver = (d: Buffer[]) => subtreeHashFrom((i) => leafHash(d[i]!));

describe("RFC 6962 Merkle tree", () => {
  it("matches the Certificate Transparency reference roots for its eight test leaves", () => {
    // The leaf inputs and roots of the CT reference implementation's merkle tree tests (raw leaf data, hashed with 0x00).
    const leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((hex) => Buffer.from(hex, "hex"));
    const roots = [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    const hash = hashOver(leaves);
    roots.forEach((root, i) => assert.equal(hash(0, i + 1).toString("hex"), root, `root of ${i + 1} leaves`));
    assert.equal(hash(0, 0).toString("hex"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("computes MTH, PATH and PROOF exactly as the RFC's recursive definitions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), fc.nat(), (n, a, b) => {
        const d = entries(n);
        const hash = hashOver(d);
        assert.deepEqual(hash(0, n), mth(d));
        const m = a % n;
        assert.deepEqual(inclusionPath(m, n, hash), path(m, d));
        const first = (b % n) + 1;
        assert.deepEqual(consistencyProof(first, n, hash), subproof(first, d, true));
      }),
      { numRuns: 300 },
    );
  });

  it("accepts every honest inclusion proof and rejects a changed leaf, index, size, root or sibling", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 90 }), fc.nat(), fc.nat(), (n, a, flip) => {
        const d = entries(n);
        const hash = hashOver(d);
        const m = a % n;
        const root = hash(0, n);
        const leaf = leafHash(d[m]!);
        const proof = inclusionPath(m, n, hash);
        assert.equal(verifyInclusion(m, n, leaf, proof, root), true);
        assert.equal(verifyInclusion(m, n, leafHash(sha(Buffer.from("other"))), proof, root), false);
        if (n > 1) assert.equal(verifyInclusion((m + 1) % n, n, leaf, proof, root), false);
        assert.equal(verifyInclusion(m, n, leaf, proof, nodeHash(root, root)), false);
        if (proof.length > 0) {
          const tampered = proof.map((sibling) => Buffer.from(sibling));
          tampered[flip % tampered.length]![0]! ^= 1;
          assert.equal(verifyInclusion(m, n, leaf, tampered, root), false);
          assert.equal(verifyInclusion(m, n, leaf, proof.slice(0, -1), root), false);
          assert.equal(verifyInclusion(m, n, leaf, [...proof, root], root), false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("accepts every honest consistency proof and rejects one between a rewritten history and the new root", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 90 }), fc.nat(), fc.nat(), (n, a, victim) => {
        const d = entries(n);
        const hash = hashOver(d);
        const m = (a % n) + 1;
        const proof = consistencyProof(m, n, hash);
        assert.equal(verifyConsistency(m, n, hash(0, m), hash(0, n), proof), true);
        // The operator rewrites one old entry: the old signed root no longer fits the new tree.
        const rewritten = [...d];
        rewritten[victim % m] = sha(Buffer.from("rewritten"));
        const forged = hashOver(rewritten);
        assert.equal(verifyConsistency(m, n, hash(0, m), forged(0, n), consistencyProof(m, n, forged)), false);
        if (proof.length > 0) assert.equal(verifyConsistency(m, n, hash(0, m), hash(0, n), proof.slice(1)), false);
      }),
      { numRuns: 300 },
    );
  });
});
