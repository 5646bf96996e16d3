import { auditEventSearchParams } from "../audit/index.js";
import { resourceDefinitions } from "./resources/index.js";

/** Interactions implemented per resource type; the CapabilityStatement is built from this and nothing else. */
const interactions = ["read", "create"] as const;

/** The CapabilityStatement (FHIR R4 capabilitystatement.html), accurate to what this server implements. */
export function capabilityStatement(options: { baseUrl: string; software: { name: string; version: string }; now: Date }) {
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: options.now.toISOString(),
    kind: "instance",
    software: options.software,
    implementation: { description: "Mamori FHIR R4 server", url: options.baseUrl },
    fhirVersion: "4.0.1",
    format: ["application/fhir+json", "json"],
    rest: [
      {
        mode: "server",
        security: {
          cors: false,
          description: "Session cookie from the Mamori sign-in (password and TOTP); every interaction is authorized by policy and audited.",
        },
        resource: [
          ...Object.keys(resourceDefinitions).map((type) => ({
            type,
            versioning: "versioned",
            readHistory: false,
            updateCreate: false,
            interaction: interactions.map((code) => ({ code })),
          })),
          // The audit trail seen as FHIR: read-only, for those allowed to review it (read_audit).
          {
            type: "AuditEvent",
            versioning: "no-version",
            readHistory: false,
            updateCreate: false,
            interaction: [{ code: "read" }, { code: "search-type" }],
            searchParam: auditEventSearchParams.map((param) => ({ ...param })),
          },
        ],
      },
    ],
  };
}
