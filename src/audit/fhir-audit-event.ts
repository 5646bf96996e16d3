import type { RecordedAuditEntry } from "./entry.js";

/** Code systems cited by FHIR R4 AuditEvent (https://hl7.org/fhir/R4/auditevent.html). */
const dicom = "http://dicom.nema.org/resources/ontology/DCM";
const eventType = "http://terminology.hl7.org/CodeSystem/audit-event-type";
const restfulInteraction = "http://hl7.org/fhir/restful-interaction";
const entityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
const objectRole = "http://terminology.hl7.org/CodeSystem/object-role";
const sourceType = "http://terminology.hl7.org/CodeSystem/security-source-type";
const actReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
/** Our own identifier systems for things that are not FHIR resources. */
export const accountSystem = "urn:mamori:account";
const roleSystem = "urn:mamori:role";

interface Coding {
  system: string;
  code: string;
  display?: string;
}

/** The FHIR AuditEvent resource as this server produces it (the subset of R4 elements it fills). */
export type FhirAuditEvent = {
  resourceType: "AuditEvent";
  id: string;
  type: Coding;
  subtype?: Coding[];
  action: "C" | "R" | "U" | "D" | "E";
  recorded: string;
  outcome: "0" | "4" | "8";
  outcomeDesc?: string;
  purposeOfEvent?: Array<{ coding: Coding[] }>;
  agent: Array<{
    who: { identifier: { system: string; value: string } } | { display: string };
    altId?: string;
    role?: Array<{ coding: Coding[] }>;
    requestor: boolean;
    network: { address: string; type: "2" };
  }>;
  source: { observer: { display: string }; type: Coding[] };
  entity?: Array<{ what: { reference: string } | { identifier: { system: string; value: string }; display: string }; type: Coding; role?: Coding }>;
};

type Interaction = "read" | "vread" | "update" | "patch" | "delete" | "create" | "search-type" | "history-instance";

/** FHIR interaction of a `fhir.*` action and its AuditEvent.action (R4 valueset audit-event-action). */
const fhirInteractions: Record<string, [Interaction, FhirAuditEvent["action"]]> = {
  "fhir.read": ["read", "R"],
  "fhir.vread": ["vread", "R"],
  "fhir.create": ["create", "C"],
  "fhir.update": ["update", "U"],
  "fhir.patch": ["patch", "U"],
  "fhir.delete": ["delete", "D"],
  "fhir.search": ["search-type", "E"],
  "fhir.history": ["history-instance", "R"],
};

const login: Coding = { system: dicom, code: "110122", display: "Login" };
const logout: Coding = { system: dicom, code: "110123", display: "Logout" };
const signInSteps: Record<string, Coding> = {
  "auth.password": login,
  "auth.totp": login,
  "auth.totp_enrolment": login,
  "auth.sign_out": logout,
  "auth.session_end": logout,
};

/** DICOM event types (PS3.16 CID 400) for the non-REST areas of the trail. */
const areaTypes: Record<string, Coding> = {
  auth: { system: dicom, code: "110114", display: "User Authentication" },
  identity: { system: dicom, code: "110137", display: "User Security Attributes Changed" },
  audit: { system: dicom, code: "110101", display: "Audit Log Used" },
};

/**
 * Maps one audit entry to a FHIR R4 AuditEvent: `fhir.*` actions become RESTful operations with the interaction
 * as subtype; sign-in steps become DICOM User Authentication with Login/Logout. Identifiers only, as in the entry.
 */
export function toFhirAuditEvent(entry: RecordedAuditEntry): FhirAuditEvent {
  const interaction = fhirInteractions[entry.action];
  const area = entry.action.split(".")[0] ?? "";
  const step = signInSteps[entry.action];
  const type = entry.action.startsWith("fhir.")
    ? { system: eventType, code: "rest", display: "RESTful Operation" }
    : (areaTypes[area] ?? { system: dicom, code: "110100", display: "Application Activity" });
  const subtype = interaction ? [{ system: restfulInteraction, code: interaction[0], display: interaction[0] }] : step ? [step] : undefined;

  return {
    resourceType: "AuditEvent",
    id: String(entry.seq),
    type,
    ...(subtype ? { subtype } : {}),
    action: interaction?.[1] ?? actionOf(entry.action),
    recorded: entry.at,
    outcome: entry.outcome === "success" ? "0" : entry.outcome === "denied" ? "4" : "8",
    ...(entry.reasonCode ? { outcomeDesc: entry.reasonCode } : {}),
    // Emergency access (break-glass) is flagged as such (HL7 v3 ActReason BTG).
    ...(entry.breakGlass ? { purposeOfEvent: [{ coding: [{ system: actReason, code: "BTG", display: "break the glass" }] }] } : {}),
    agent: [
      {
        who: entry.actor?.accountId ? { identifier: { system: accountSystem, value: entry.actor.accountId } } : { display: "unidentified" },
        ...(entry.actor?.sessionId ? { altId: entry.actor.sessionId } : {}),
        ...(entry.actor?.roles?.length ? { role: entry.actor.roles.map((role) => ({ coding: [{ system: roleSystem, code: role }] })) } : {}),
        requestor: true,
        network: { address: entry.network?.ip ?? "", type: "2" },
      },
    ],
    source: { observer: { display: "Mamori" }, type: [{ system: sourceType, code: "4", display: "Application Server" }] },
    ...entitiesOf(entry),
  };
}

function actionOf(action: string): FhirAuditEvent["action"] {
  if (action === "audit.read" || action === "audit.export") return "R";
  if (action.startsWith("identity.")) return "C";
  return "E";
}

/** The patient concerned (role Patient), and the resource acted on when it is something else. */
function entitiesOf(entry: RecordedAuditEntry): Pick<FhirAuditEvent, "entity"> {
  const entity: NonNullable<FhirAuditEvent["entity"]> = [];
  if (entry.patientId) {
    entity.push({ what: { reference: `Patient/${entry.patientId}` }, type: { system: entityType, code: "1", display: "Person" }, role: { system: objectRole, code: "1", display: "Patient" } });
  }
  const resource = entry.resource;
  const isThePatient = resource?.type === "Patient" && resource.id === entry.patientId;
  if (resource?.id && !isThePatient) {
    const what = entry.action.startsWith("fhir.")
      ? { reference: `${resource.type}/${resource.id}${resource.version ? `/_history/${resource.version}` : ""}` }
      : { identifier: { system: `urn:mamori:${resource.type}`, value: resource.id }, display: resource.type };
    entity.push({ what, type: { system: entityType, code: "2", display: "System Object" } });
  }
  return entity.length > 0 ? { entity } : {};
}
