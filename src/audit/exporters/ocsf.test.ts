import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RecordedAuditEntry } from "../entry.js";
import { toOcsfEvent } from "./ocsf.js";

const signIn: RecordedAuditEntry = {
  seq: 41,
  at: "2026-04-01T00:00:00.000Z",
  action: "auth.password",
  outcome: "denied",
  reasonCode: "identity.invalid_credentials",
  actor: { accountId: "0f9a3c2e-0000-4000-8000-000000000001", roles: ["doctor"], sessionId: "s-1" },
  network: { ip: "192.0.2.10", userAgent: "Mozilla/5.0" },
  requestId: "req-1",
};

const chartRead: RecordedAuditEntry = {
  seq: 42,
  at: "2026-04-01T00:00:01.500Z",
  action: "fhir.read",
  outcome: "success",
  reasonCode: "policy.doctor_reads_patient",
  actor: { accountId: "0f9a3c2e-0000-4000-8000-000000000001", roles: ["doctor", "admin"], sessionId: "s-1" },
  resource: { type: "Patient", id: "p-7", version: "3" },
  patientId: "p-7",
  network: { ip: "192.0.2.10", userAgent: "Mozilla/5.0" },
  breakGlass: true,
};

// LOG-5 (SIEM export): the event carries who, what, when, where and outcome, with identifiers only.
describe("toOcsfEvent", () => {
  it("maps an auth entry to an OCSF Authentication logon with a failed status", () => {
    const event = toOcsfEvent(signIn);
    assert.equal(event.class_uid, 3002);
    assert.equal(event.category_uid, 3);
    assert.equal(event.activity_id, 1);
    assert.equal(event.type_uid, 300201);
    assert.equal(event.time, Date.parse("2026-04-01T00:00:00.000Z"));
    assert.equal(event.status_id, 2);
    assert.equal(event.status, "Failure");
    assert.equal(event["status_detail"], "identity.invalid_credentials");
    assert.equal(event.severity_id, 3);
    assert.deepEqual(event["actor"], { user: { uid: signIn.actor.accountId }, session: { uid: "s-1" } });
    assert.deepEqual(event["user"], { uid: signIn.actor.accountId });
    assert.deepEqual(event["src_endpoint"], { ip: "192.0.2.10" });
    assert.deepEqual(event["http_request"], { user_agent: "Mozilla/5.0" });
    assert.deepEqual(event.metadata, {
      product: { name: "Mamori", vendor_name: "Mamori" },
      version: "1.3.0",
      uid: "41",
      sequence: 41,
      event_code: "auth.password",
      correlation_uid: "req-1",
    });
    assert.deepEqual(event["unmapped"], { roles: ["doctor"], break_glass: false });
  });

  it("maps a fhir.read entry to an OCSF API Activity read of the resource", () => {
    const event = toOcsfEvent(chartRead);
    assert.equal(event.class_uid, 6003);
    assert.equal(event.category_uid, 6);
    assert.equal(event.activity_id, 2);
    assert.equal(event.type_uid, 600302);
    assert.equal(event.status_id, 1);
    assert.equal(event.status, "Success");
    assert.equal(event["status_detail"], "policy.doctor_reads_patient");
    assert.equal(event.severity_id, 3, "a break-glass access is raised to Medium");
    assert.deepEqual(event["api"], { operation: "fhir.read" });
    assert.deepEqual(event["resources"], [{ type: "Patient", uid: "p-7", version: "3" }]);
    assert.deepEqual(event["unmapped"], { patient_id: "p-7", roles: ["doctor", "admin"], break_glass: true });
    assert.equal(event.metadata.uid, "42");
    assert.equal(event.metadata.sequence, 42);
  });

  it("carries no field the audit entry does not have", () => {
    const minimal: RecordedAuditEntry = { seq: 1, at: "2026-04-01T00:00:00.000Z", action: "identity.invite", outcome: "failure", actor: {}, network: { ip: "::1", userAgent: "" } };
    const event = toOcsfEvent(minimal);
    assert.deepEqual(event["actor"], {});
    assert.equal(event["resources"], undefined);
    assert.equal(event["status_detail"], undefined);
    assert.deepEqual(event["unmapped"], { break_glass: false });
    assert.equal(event.activity_id, 99);
    assert.equal(event.severity_id, 2);
    const text = JSON.stringify(event);
    for (const absent of ["patient_id", "correlation_uid", "session"]) assert.ok(!text.includes(absent), absent);
  });
});
