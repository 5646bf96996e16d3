import { auditEventSearchParams } from "../audit/index.js";
import { resourceTypes } from "./resources/index.js";

/** Interactions implemented for every stored type; the CapabilityStatement is built from this and nothing else. */
const interactions = ["read", "vread", "update", "delete", "history-instance", "history-type", "create", "search-type"] as const;

/** The CapabilityStatement (FHIR R4 capabilitystatement.html), accurate to what this server implements. */
export function capabilityStatement(options: {
  baseUrl: string;
  software: { name: string; version: string };
  now: Date;
  /** The search parameters each type supports (the search index module). */
  searchParamsOf: (type: string) => ReadonlyArray<{ name: string; type: string; documentation?: string }>;
  /** `_include` / `_revinclude` values each type supports. */
  includesOf: (type: string) => { include: readonly string[]; revinclude: readonly string[] };
  /** The file types a Binary may hold (the uploads module's sanitisers). */
  binaryContentTypes: readonly string[];
}) {
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
          service: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/restful-security-service", code: "SMART-on-FHIR" }] }],
          description:
            "Session cookie of the Mamori web UI, or an OAuth 2.0 bearer token with SMART scopes from the Mamori OpenID provider. Every interaction is authorized by policy (roles, care relationship, consent, sensitivity labels, break-glass) and audited.",
        },
        resource: [
          ...Object.keys(resourceTypes).map((type) => ({
            type,
            versioning: "versioned-update",
            readHistory: true,
            updateCreate: false,
            conditionalCreate: true,
            conditionalUpdate: false,
            conditionalDelete: "not-supported",
            interaction: interactions.map((code) => ({ code })),
            searchInclude: [...options.includesOf(type).include],
            searchRevInclude: [...options.includesOf(type).revinclude],
            searchParam: options.searchParamsOf(type).map((param) => ({ ...param })),
          })),
          // Uploaded files, sanitised by the uploads module: no versions, history, search, update or delete.
          {
            type: "Binary",
            versioning: "no-version",
            readHistory: false,
            updateCreate: false,
            conditionalCreate: false,
            conditionalRead: "not-supported",
            conditionalUpdate: false,
            conditionalDelete: "not-supported",
            interaction: [{ code: "read" }, { code: "create" }],
            documentation:
              `create: a Binary in JSON with contentType, data (base64) and securityContext referencing the Patient the file belongs to, or the file itself with its media type as Content-Type and the Patient id in X-Mamori-Patient. Accepted types: ${options.binaryContentTypes.join(", ")}; every file is scanned and sanitised (metadata removed, documents rebuilt), so what is stored may differ from what was sent, and a refused file is quarantined. ` +
              "read: the Binary in JSON (data in base64) when the Accept header names application/fhir+json, otherwise the stored file as an attachment.",
          },
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
        interaction: [{ code: "transaction" }],
        operation: [{ name: "everything", definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything" }],
      },
    ],
  };
}
