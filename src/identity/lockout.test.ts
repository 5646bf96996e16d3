import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accountSourceSubject, accountSubject, delayAfter } from "./lockout.js";

describe("delayAfter", () => {
  it("leaves the first half of the threshold free, then doubles from one second up to a minute", () => {
    assert.deepEqual(
      Array.from({ length: 10 }, (_, index) => delayAfter(index + 1, 10)),
      [0, 0, 0, 0, 0, 1000, 2000, 4000, 8000, 16000],
    );
    assert.equal(delayAfter(40, 100), 0);
    assert.equal(delayAfter(60, 100), 60_000);
  });
});

describe("accountSubject", () => {
  it("is the same for any case or surrounding space of one address, and stores no address in clear", () => {
    assert.equal(accountSubject(" Doctor@Example.test "), accountSubject("doctor@example.test"));
    assert.notEqual(accountSubject("doctor@example.test"), accountSubject("doctor2@example.test"));
    assert.match(accountSubject("doctor@example.test"), /^[0-9a-f]{64}$/);
  });
});

describe("accountSourceSubject", () => {
  it("keys one account from one address apart from the same account from another, and begins with the account subject", () => {
    const fromClinic = accountSourceSubject("Doctor@Example.test", "10.1.2.3");
    assert.equal(fromClinic, accountSourceSubject("doctor@example.test", "10.1.2.3"));
    assert.notEqual(fromClinic, accountSourceSubject("doctor@example.test", "198.51.100.7"));
    assert.ok(fromClinic.startsWith(`${accountSubject("doctor@example.test")}|`));
    assert.ok(!fromClinic.includes("doctor@example.test"), "no address in clear");
  });
});
