import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAppError } from "../kernel/index.js";
import type { RecordedAuditEntry } from "./entry.js";
import { auditEventSearchLinks, auditFilterFromFhirSearch } from "./fhir-audit-event-search.js";
import { toFhirAuditEvent } from "./fhir-audit-event.js";

const read: RecordedAuditEntry = {
  seq: 42,
  at: "2026-04-01T00:00:00.000Z",
  action: "fhir.read",
  outcome: "success",
  reasonCode: "doctor-patient-records",
  actor: { accountId: "a-1", roles: ["doctor"], sessionId: "s-1" },
  resource: { type: "Patient", id: "p-1", version: "2" },
  patientId: "p-1",
  network: { ip: "192.0.2.1", userAgent: "test" },
};

describe("FHIR AuditEvent mapping", () => {
  it("maps a FHIR read to a RESTful read with the patient as entity", () => {
    const event = toFhirAuditEvent(read);
    assert.equal(event.id, "42");
    assert.deepEqual(event.type, { system: "http://terminology.hl7.org/CodeSystem/audit-event-type", code: "rest", display: "RESTful Operation" });
    assert.deepEqual(event.subtype, [{ system: "http://hl7.org/fhir/restful-interaction", code: "read", display: "read" }]);
    assert.equal(event.action, "R");
    assert.equal(event.recorded, "2026-04-01T00:00:00.000Z");
    assert.equal(event.outcome, "0");
    assert.deepEqual(event.agent[0]?.who, { identifier: { system: "urn:mamori:account", value: "a-1" } });
    assert.deepEqual(event.agent[0]?.network, { address: "192.0.2.1", type: "2" });
    assert.equal(event.agent[0]?.role?.[0]?.coding[0]?.code, "doctor");
    assert.deepEqual(event.entity?.map((entity) => entity.what), [{ reference: "Patient/p-1" }]);
    assert.equal(event.source.observer.display, "Mamori");
  });

  it("maps outcomes to 0, 4 and 8 and sign-in steps to DICOM Login and Logout", () => {
    assert.equal(toFhirAuditEvent({ ...read, outcome: "denied" }).outcome, "4");
    assert.equal(toFhirAuditEvent({ ...read, outcome: "failure" }).outcome, "8");
    const signIn = toFhirAuditEvent({ ...read, action: "auth.totp", resource: undefined, patientId: undefined });
    assert.equal(signIn.type.code, "110114");
    assert.equal(signIn.subtype?.[0]?.code, "110122");
    assert.equal(signIn.action, "E");
    assert.equal(signIn.entity, undefined);
    assert.equal(toFhirAuditEvent({ ...read, action: "auth.sign_out" }).subtype?.[0]?.display, "Logout");
    assert.equal(toFhirAuditEvent({ ...read, action: "fhir.create" }).action, "C");
  });

  it("flags break-glass access with purposeOfEvent BTG", () => {
    assert.equal(toFhirAuditEvent({ ...read, breakGlass: true }).purposeOfEvent?.[0]?.coding[0]?.code, "BTG");
  });
});

describe("AuditEvent search parameters", () => {
  it("reads patient, agent, action, outcome and _count", () => {
    const filter = auditFilterFromFhirSearch({ patient: "Patient/p-1", agent: "a-1", action: "fhir.", outcome: "4", _count: "1000" });
    assert.deepEqual(filter, { patientId: "p-1", accountId: "a-1", action: "fhir.", outcome: "denied", limit: 500 });
  });

  it("turns date prefixes into bounds, a zone-less date being Japan time", () => {
    const filter = auditFilterFromFhirSearch({ date: ["ge2026-04-01", "lt2026-04-03T12:00:00Z"] });
    assert.equal(filter.from?.toISOString(), "2026-03-31T15:00:00.000Z");
    assert.equal(filter.to?.toISOString(), "2026-04-03T12:00:00.000Z");
    const day = auditFilterFromFhirSearch({ date: "2026-04-01" });
    assert.equal(day.from?.toISOString(), "2026-03-31T15:00:00.000Z");
    assert.equal(day.to?.toISOString(), "2026-04-01T15:00:00.000Z");
    assert.equal(auditFilterFromFhirSearch({ date: "le2026-12" }).to?.toISOString(), "2026-12-31T15:00:00.000Z");
    assert.equal(auditFilterFromFhirSearch({ date: "gt2026-04-01T10:00:00+09:00" }).from?.toISOString(), "2026-04-01T01:00:01.000Z");
  });

  for (const [name, params] of [
    ["a date that does not exist", { date: "2026-02-30" }],
    ["an unknown date prefix", { date: "sa2026-01-01" }],
    ["a C/R/U/D/E action code", { action: "R" }],
    ["an outcome other than 0, 4 or 8", { outcome: "12" }],
    ["a _count of zero", { _count: "0" }],
  ] as const) {
    it(`refuses ${name} with audit.invalid_filter`, () => {
      assert.throws(() => auditFilterFromFhirSearch(params), (error) => isAppError(error, "audit.invalid_filter"));
    });
  }

  it("links self and next with the same parameters, next carrying the cursor", () => {
    const links = auditEventSearchLinks("https://h/fhir/R4/AuditEvent", { patient: "p-1", date: ["ge2026-04-01", "lt2026-05-01"], _count: "10" }, 17);
    assert.deepEqual(links, [
      { relation: "self", url: "https://h/fhir/R4/AuditEvent?patient=p-1&date=ge2026-04-01&date=lt2026-05-01&_count=10" },
      { relation: "next", url: "https://h/fhir/R4/AuditEvent?patient=p-1&date=ge2026-04-01&date=lt2026-05-01&_count=10&_before=17" },
    ]);
  });
});
