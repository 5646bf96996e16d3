import { z } from "zod";

/** A FHIR logical id (R4: 1–64 of A–Z, a–z, 0–9, '-' and '.'). */
const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);

/** A clinician asks for emergency access to one patient; the reason is reviewed afterwards. */
export const breakGlassRequest = z.object({ patientId: fhirId, reason: z.string().trim().min(10).max(500) });
export type BreakGlassRequest = z.infer<typeof breakGlassRequest>;

/** Times are ISO 8601 strings. */
export const breakGlassCreated = z.object({ id: z.string(), patientId: z.string(), expiresAt: z.string() });
export type BreakGlassCreated = z.infer<typeof breakGlassCreated>;

export const breakGlassGrant = z.object({ id: z.string(), patientId: z.string(), reason: z.string(), grantedAt: z.string(), expiresAt: z.string() });
export const myBreakGlassResponse = z.object({ grants: z.array(breakGlassGrant) });
export type MyBreakGlassResponse = z.infer<typeof myBreakGlassResponse>;

export const breakGlassReviewStatus = z.enum(["open", "closed"]);
export const breakGlassReviewQuery = z.object({ status: breakGlassReviewStatus.default("open") });
export const breakGlassReviewOutcome = z.enum(["justified", "unjustified"]);

export const breakGlassReviewItem = z.object({
  id: z.string(),
  account: z.object({ id: z.string(), displayName: z.string() }),
  patientId: z.string(),
  reason: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string(),
  accessCount: z.number(),
  status: breakGlassReviewStatus,
  outcome: breakGlassReviewOutcome.optional(),
  note: z.string().optional(),
  reviewedAt: z.string().optional(),
});
export const breakGlassReviewList = z.object({ items: z.array(breakGlassReviewItem) });
export type BreakGlassReviewList = z.infer<typeof breakGlassReviewList>;

export const breakGlassReviewParams = z.object({ id: z.uuid() });
export const closeBreakGlassReviewRequest = z.object({ outcome: breakGlassReviewOutcome, note: z.string().trim().min(1).max(2000) });
export type CloseBreakGlassReviewRequest = z.infer<typeof closeBreakGlassReviewRequest>;

export const careRelationshipSource = z.enum(["care_team", "encounter", "department", "registered"]);
export const myCarePatientsResponse = z.object({ patients: z.array(z.object({ patientId: z.string(), sources: z.array(careRelationshipSource) })) });
export type MyCarePatientsResponse = z.infer<typeof myCarePatientsResponse>;

/** The clinical record types the chart shows and the writes the care standing reports on each. */
export const chartRecordType = z.enum(["AllergyIntolerance", "Condition", "Observation", "Encounter", "MedicationRequest", "DocumentReference"]);
export type ChartRecordType = z.infer<typeof chartRecordType>;
export const recordWriteAction = z.enum(["create", "update"]);
export type RecordWriteAction = z.infer<typeof recordWriteAction>;

/** How the caller stands with one patient: no sources and no grant mean the chart's records are hidden from it. */
export const careStandingParams = z.object({ patientId: fhirId });
export const careStandingResponse = z.object({
  patientId: z.string(),
  sources: z.array(careRelationshipSource),
  breakGlassExpiresAt: z.string().optional(),
  /**
   * True while the patient's active Consent refuses the caller's department or purpose of use and no emergency grant
   * overrides it: the records are closed by the patient's choice, not missing.
   */
  isConsentRefused: z.boolean(),
  /**
   * The writes the caller may make in this patient's clinical record, per type, as the record policies decide for a
   * record without a confidentiality label. The UI offers only these; the server still decides each request.
   */
  recordActions: z.record(chartRecordType, z.array(recordWriteAction)),
});
export type CareStandingResponse = z.infer<typeof careStandingResponse>;

/** An administrator links a staff account to the Practitioner it acts as and its department Organization. */
export const linkPractitionerRequest = z.object({ practitionerId: fhirId, departmentId: fhirId.optional() });
export type LinkPractitionerRequest = z.infer<typeof linkPractitionerRequest>;
