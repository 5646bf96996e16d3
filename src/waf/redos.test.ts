import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signatureRules } from "./rules/index.js";

// The signature rules run on attacker-controlled text, so a rule with catastrophic backtracking would turn request
// inspection itself into a denial-of-service vector (CWE-1333). Each rule is run against long inputs built to make
// backtracking regexes explode: repeated fragments of the rule's own vocabulary with no final match. A linear rule
// takes well under a millisecond per kilobyte; an exponential or quadratic one takes seconds, far past the bound.
const length = 64 * 1024;
const boundMs = 250;

const fragments = ["a", " ", "/", "%", "'", '"', "<", "(", "=", "0", "a=", "--", "/*", "\\", "..", "%25", "&#", "or 1", "select ", "<a ", "${", "http://", "://a", ";", "|", "`", "\t", "\r\n"];

function pathological(fragment: string): string {
  // The tail character ends every repetition without completing a match, the classic trigger for backtracking.
  return fragment.repeat(Math.ceil(length / fragment.length)).slice(0, length) + "\u0001";
}

describe("request inspection rules against catastrophic backtracking (ReDoS)", () => {
  for (const rule of signatureRules) {
    it(`rule ${rule.id} stays linear on ${length / 1024} KiB inputs`, () => {
      for (const fragment of fragments) {
        const input = pathological(fragment);
        const started = performance.now();
        rule.pattern.test(input);
        const tookMs = performance.now() - started;
        assert.ok(tookMs < boundMs, `rule ${rule.id} took ${tookMs.toFixed(0)} ms on ${JSON.stringify(fragment)} × ${length / fragment.length}`);
      }
    });
  }
});
