import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addressSubject } from "./rate-limit.js";

describe("addressSubject", () => {
  it("counts an IPv4 address as itself, also when IPv4-mapped", () => {
    assert.equal(addressSubject("192.0.2.10"), "192.0.2.10");
    assert.equal(addressSubject("::ffff:192.0.2.10"), "192.0.2.10");
  });

  it("counts IPv6 addresses per /64, in one spelling", () => {
    assert.equal(addressSubject("2001:db8:1:2::10"), "2001:db8:1:2::/64");
    assert.equal(addressSubject("2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
    assert.equal(addressSubject("2001:db8::1"), "2001:db8:0:0::/64");
    assert.equal(addressSubject("::1"), "0:0:0:0::/64");
    assert.notEqual(addressSubject("2001:db8:1:3::10"), addressSubject("2001:db8:1:2::10"));
  });
});
