import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csvCell, csvHeader, csvRow } from "./csv-export.js";
import type { RecordedAuditEntry } from "./entry.js";

describe("audit CSV export", () => {
  it("quotes every field and doubles inner quotes, ending lines in CRLF (RFC 4180)", () => {
    assert.equal(csvCell('say "hi", then leave'), '"say ""hi"", then leave"');
    assert.equal(csvCell("two\nlines"), '"two\nlines"');
    assert.match(csvHeader(), /^"seq","recorded_at","action","outcome",.*"user_agent","break_glass"\r\n$/);
  });

  for (const start of ["=", "+", "-", "@", "\t", "\r"]) {
    it(`neutralises a cell starting with ${JSON.stringify(start)} so a spreadsheet shows it as text`, () => {
      assert.equal(csvCell(`${start}HYPERLINK("https://attacker.example")`), `"'${start}HYPERLINK(""https://attacker.example"")"`);
    });
  }

  it("writes one entry's identifiers in the header's order, empty where absent", () => {
    const entry: RecordedAuditEntry = {
      seq: 7,
      at: "2026-04-01T00:00:00.000Z",
      action: "fhir.read",
      outcome: "success",
      actor: { accountId: "a-1", roles: ["doctor"], sessionId: "s-1" },
      resource: { type: "Patient", id: "p-1", version: "1" },
      patientId: "p-1",
      network: { ip: "192.0.2.1", userAgent: "=cmd|' /C calc'!A0" },
    };
    assert.equal(csvRow(entry), `"7","2026-04-01T00:00:00.000Z","fhir.read","success","","a-1","doctor","s-1","Patient","p-1","p-1","192.0.2.1","'=cmd|' /C calc'!A0",""\r\n`);
  });
});
