import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normaliseRecoveryCode } from "./recovery-codes.js";

describe("normaliseRecoveryCode", () => {
  it("ignores case, spaces and hyphens", () => {
    assert.equal(normaliseRecoveryCode(" ab12-cd34 ef56-gh78 "), "AB12CD34EF56GH78");
  });

  it("reads the letters Crockford's base32 leaves out as the digits they resemble", () => {
    assert.equal(normaliseRecoveryCode("O0Il-0000-0000-0000"), "0011000000000000");
  });
});
