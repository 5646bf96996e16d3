import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isCommonPassword } from "./common-passwords.js";

describe("isCommonPassword", () => {
  it("finds passwords from the shipped list, whatever their case", () => {
    assert.equal(isCommonPassword("1qaz2wsx3edc"), true);
    assert.equal(isCommonPassword("QAZWSXEDCRFV"), true);
    assert.equal(isCommonPassword("LeaveMeAlone"), true);
  });

  it("finds a listed word with digits and symbols tacked on", () => {
    assert.equal(isCommonPassword("password2026!"), true);
    assert.equal(isCommonPassword("Baseball12345678"), true);
  });

  it("ignores full-width forms (NFKC)", () => {
    assert.equal(isCommonPassword("ｑｗｅｒｔｙｕｉｏｐ１２３"), true);
  });

  it("lets a long uncommon passphrase through", () => {
    assert.equal(isCommonPassword("correct horse battery staple"), false);
    assert.equal(isCommonPassword("桜が咲く頃に会いましょう"), false);
  });
});
