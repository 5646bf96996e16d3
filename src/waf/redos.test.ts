import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signatureRules } from "./rules/index.js";

// The signature rules run on attacker-controlled text, so a rule with catastrophic backtracking would turn request
// inspection itself into a denial-of-service vector (CWE-1333). Each rule is run against long inputs built to make
// backtracking regexes explode: repeated fragments of the rule's own vocabulary with no final match.
//
// What is checked is the growth, not a time: a quadratic rule takes 64 times as long on 8 times the input, a linear
// one 8 times, whatever the machine's load. The bound sits between the two with room on both sides, because a busy
// machine can pause the longer run and not the shorter one. Most rules finish a 64 KiB input within a few milliseconds, which no
// super-linear rule can (64 Ki² steps take seconds), so only inputs slower than `quickMs` are measured for growth.
const length = 64 * 1024;
const quickMs = 25;
const worstGrowth = 24;
const ceilingMs = 2_000;

const fragments = ["a", " ", "/", "%", "'", '"', "<", "(", "('", "(a", "$a", "$a[", "=", "0", "a=", "--", "/*", "\\", "..", "%25", "&#", "or 1", "select ", "<a ", "${", "http://", "://a", ";", "|", "`", "\t", "\r\n"];

function pathological(fragment: string, size: number): string {
  // The tail character ends every repetition without completing a match, the classic trigger for backtracking.
  return fragment.repeat(Math.ceil(size / fragment.length)).slice(0, size) + "\u0001";
}

function fastestOf(runs: number, pattern: RegExp, input: string): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    pattern.test(input);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/** How much longer the pattern takes on `size` characters of the fragment than on an eighth of them (best of five,
 * so that a pause of the machine during one run does not count). */
function growthOf(pattern: RegExp, fragment: string, size: number): { eighthMs: number; fullMs: number; growth: number } {
  const eighthMs = fastestOf(5, pattern, pathological(fragment, size / 8));
  const fullMs = fastestOf(5, pattern, pathological(fragment, size));
  return { eighthMs, fullMs, growth: fullMs / Math.max(eighthMs, 0.05) };
}

describe("request inspection rules against catastrophic backtracking (ReDoS)", () => {
  for (const rule of signatureRules) {
    it(`rule ${rule.id} stays linear on ${length / 1024} KiB inputs`, () => {
      for (const fragment of fragments) {
        if (fastestOf(1, rule.pattern, pathological(fragment, length)) < quickMs) continue;
        const { eighthMs, fullMs, growth } = growthOf(rule.pattern, fragment, length);
        const label = `rule ${rule.id} on ${JSON.stringify(fragment)} repeated: ${eighthMs.toFixed(1)} ms at ${length / 8192} KiB, ${fullMs.toFixed(1)} ms at ${length / 1024} KiB`;
        assert.ok(growth < worstGrowth, `${label} (×${growth.toFixed(1)} for ×8 input: super-linear)`);
        assert.ok(fullMs < ceilingMs, `${label} (over ${ceilingMs} ms)`);
      }
    });
  }

  it("the growth check tells a quadratic pattern from a linear one", () => {
    // The check must be able to fail: `a+$` retries the whole remaining run from every start, n²/2 steps in all,
    // while a bounded run retries at most 128 characters from each start however long the input.
    const quadratic = growthOf(/a+$/, "a", 16 * 1024);
    assert.ok(quadratic.growth > worstGrowth, `a+$ grew only ×${quadratic.growth.toFixed(1)}`);
    const linear = growthOf(/[a-z]{1,128}\)/, "a", length);
    assert.ok(linear.growth < worstGrowth, `[a-z]{1,128}\\) grew ×${linear.growth.toFixed(1)}`);
  });
});
