import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containsPersonalDetails, isTrivialPattern } from "./password-patterns.js";

// AUTH-3 (NIST SP 800-63B §5.1.1.2): repetitive or sequential characters and context-specific words are refused.
describe("isTrivialPattern", () => {
  it("finds repeated characters, sequences and keyboard walks, whatever the case or width", () => {
    for (const password of ["aaaaaaaaaaaa", "AAAAAAAAAAAA", "ＡＡＡＡＡＡＡＡＡＡＡＡ", "abcdefghijkl", "lkjihgfedcba", "123456789012", "098765432109", "qwertyuiopas", "qwertyasdfgh", "asdfghjkl;'z", "!@#$%^&*()_+", "abcabcabcabc", "abcdef123456"]) {
      assert.equal(isTrivialPattern(password), true, password);
    }
  });

  it("lets passphrases and mixed passwords through", () => {
    for (const password of ["correct horse battery staple", "quiet forest in the afternoon", "Tr0ub4dor&3xyz", "桜が咲く頃に会いましょう", "fourteen chars"]) {
      assert.equal(isTrivialPattern(password), false, password);
    }
  });
});

describe("containsPersonalDetails", () => {
  const owner = { email: "Hanako.Yamada@example.test", displayName: "山田 花子 Hanako Yamada" };

  it("finds the e-mail address, its local part and the display name or one of its words, ignoring case, width and spaces", () => {
    for (const password of ["hanako.yamada@example.test", "my hanako.yamada login!", "ＨＡＮＡＫＯ．ＹＡＭＡＤＡ 2026", "山田花子のパスワード", "山田 花子 です 2026", "yamada forever 2026"]) {
      assert.equal(containsPersonalDetails(password, owner), true, password);
    }
  });

  it("ignores parts too short to mean anything, and unrelated passphrases", () => {
    assert.equal(containsPersonalDetails("correct horse battery staple", owner), false);
    assert.equal(containsPersonalDetails("a quiet afternoon ab", { email: "ab@example.test", displayName: "A" }), false);
  });
});
