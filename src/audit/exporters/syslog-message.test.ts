import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RecordedAuditEntry } from "../entry.js";
import { formatSyslogMessage, frameSyslogMessage } from "./syslog-message.js";

const origin = { hostname: "node-1", procId: "4242" };
const entry = (overrides: Partial<RecordedAuditEntry>): RecordedAuditEntry => ({
  seq: 7,
  at: "2026-04-01T00:00:00.000Z",
  action: "fhir.read",
  outcome: "success",
  actor: { accountId: "a-1" },
  network: { ip: "192.0.2.1", userAgent: "test" },
  ...overrides,
});

// RFC 5424 §6 message format, RFC 5425 §4.3 octet counting.
describe("formatSyslogMessage", () => {
  it("writes the RFC 5424 header, the seq structured data and the OCSF event as MSG", () => {
    const message = formatSyslogMessage(entry({}), origin);
    const match = /^<134>1 2026-04-01T00:00:00\.000Z node-1 mamori 4242 fhir\.read \[mamori@32473 seq="7"\] (\{.*\})$/.exec(message);
    assert.ok(match, message);
    assert.equal((JSON.parse(match[1]!) as { metadata: { sequence: number } }).metadata.sequence, 7);
  });

  it("files auth entries under authpriv and takes the severity from the outcome", () => {
    assert.match(formatSyslogMessage(entry({ action: "auth.password", outcome: "denied" }), origin), /^<84>1 /);
    assert.match(formatSyslogMessage(entry({ outcome: "failure" }), origin), /^<131>1 /);
  });

  it("keeps MSG ASCII and header fields free of spaces whatever the entry holds", () => {
    const message = formatSyslogMessage(entry({ action: "fhir.read all", network: { ip: "192.0.2.1", userAgent: "ブラウザ 😀" } }), origin);
    assert.match(message, /^[\x20-\x7e]+$/);
    assert.match(message, / fhir\.read_all \[/);
    const json = message.slice(message.indexOf("] ") + 2);
    assert.equal((JSON.parse(json) as { http_request: { user_agent: string } }).http_request.user_agent, "ブラウザ 😀");
  });
});

describe("frameSyslogMessage", () => {
  it("prefixes the message with its length in bytes and a space", () => {
    assert.equal(frameSyslogMessage("<134>1 - - - - - - é").toString("utf8"), "21 <134>1 - - - - - - é");
  });
});
