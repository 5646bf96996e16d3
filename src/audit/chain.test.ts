import assert from "node:assert/strict";
import { describe, it } from "node:test";
import canonicalize from "canonicalize";
import fc from "fast-check";
import { canonicalJson } from "./chain.js";

// The chain hashes canonicalJson's bytes; they must be the canonicalize package's (RFC 8785) for every entry ever
// written, or the chain written before would no longer verify.
describe("audit chain canonical JSON", () => {
  it("writes exactly what the canonicalize package writes, for arbitrary JSON values including unicode keys and strings", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => assert.equal(canonicalJson(value), canonicalize(value))),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: "binary" }), fc.oneof(fc.string({ unit: "binary" }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))), (value) =>
        assert.equal(canonicalJson(value), canonicalize(value)),
      ),
      { numRuns: 2_000 },
    );
  });

  it("orders integer-like keys as strings, and leaves out undefined members, as the package does", () => {
    const value = { b: 1, a: [undefined, 2], "10": true, "9": null, c: undefined };
    assert.equal(canonicalJson(value), canonicalize(value));
    assert.equal(canonicalJson(value), '{"10":true,"9":null,"a":[null,2],"b":1}');
  });

  it("refuses what the package refuses: a lone surrogate, NaN, Infinity", () => {
    for (const value of [{ ua: "\uD800x" }, { n: Number.NaN }, [Number.POSITIVE_INFINITY]]) {
      assert.throws(() => canonicalize(value));
      assert.throws(() => canonicalJson(value));
    }
  });
});
