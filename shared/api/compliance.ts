import { z } from "zod";

/** A control or check status; `unknown` is "not yet checked", distinct from the other three. */
export const complianceStatus = z.enum(["met", "partial", "not_met", "unknown"]);
export type ComplianceStatusValue = z.infer<typeof complianceStatus>;

const bilingual = z.object({ ja: z.string(), en: z.string() });
const evidence = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]));

export const attestationView = z.object({
  id: z.string(),
  controlId: z.string(),
  statement: z.string(),
  /** The document the statement rests on; null on attestations recorded before documents were required. */
  document: z.object({ title: z.string(), reference: z.string() }).nullable(),
  attestedBy: z.string(),
  attestedByName: z.string().optional(),
  attestedAt: z.string(),
  expiresAt: z.string(),
  keyId: z.string(),
  /** Ed25519 signature (base64) over the attestation's fields. */
  signature: z.string(),
  signatureValid: z.boolean(),
  expired: z.boolean(),
  /** `approved` by a second person (counts while in force), `pending` approval (does not count), `undocumented`. */
  state: z.enum(["approved", "pending", "undocumented"]),
  approvedBy: z.string().nullable(),
  approvedByName: z.string().optional(),
  approvedAt: z.string().nullable(),
  approvalValid: z.boolean(),
});
export type AttestationViewResponse = z.infer<typeof attestationView>;

const counts = z.object({ met: z.number().int(), partial: z.number().int(), not_met: z.number().int(), unknown: z.number().int() });

/** `GET /api/compliance/report`: every control with its status, checks' evidence and attestation. */
export const complianceReportResponse = z.object({
  format: z.literal("mamori-compliance-report"),
  version: z.literal(1),
  generatedAt: z.string(),
  service: z.object({ name: z.string(), version: z.string(), publicUrl: z.string() }),
  summary: z.object({ technical: counts, operational: counts, organisational: counts, all: counts }),
  controls: z.array(
    z.object({
      id: z.string(),
      source: z.string(),
      section: z.string(),
      kind: z.enum(["technical", "operational", "organisational"]),
      requirement: bilingual,
      meetsBy: z.object({ module: z.string(), doc: z.string(), ja: z.string(), en: z.string() }),
      disclosure: z.string(),
      status: complianceStatus,
      checks: z.array(
        z.object({
          id: z.string(),
          status: complianceStatus,
          implemented: z.boolean(),
          title: bilingual.optional(),
          reason: z.string(),
          evidence,
          checkedAt: z.string().optional(),
        }),
      ),
      attestationRequired: z.boolean(),
      attestationStatus: complianceStatus.nullable(),
      attestation: attestationView.nullable(),
      pendingAttestation: attestationView.nullable(),
    }),
  ),
  policies: z.array(z.object({ id: z.string(), file: z.string(), control: z.string().nullable(), text: z.string() })),
});
export type ComplianceReportResponse = z.infer<typeof complianceReportResponse>;

/**
 * `POST /api/compliance/attestations`: a security officer attests an operational or organisational control, naming
 * the document the statement rests on. It counts once another security officer or an administrator approves it.
 */
export const attestationRequest = z.object({
  controlId: z.string().regex(/^[A-Z]+-\d+$/),
  statement: z.string().trim().min(1).max(2000),
  /** The document: its title, and a reference that finds it (file number, version, where it is kept). */
  document: z.object({ title: z.string().trim().min(1).max(200), reference: z.string().trim().max(200).optional() }),
  /** How long the attestation stays in force (days; at most about three years). */
  validDays: z.number().int().min(1).max(1098),
});
export type AttestationRequest = z.infer<typeof attestationRequest>;

/** `POST /api/compliance/attestations/:id/approve`: a second person approves a pending attestation (step-up). */
export const attestationIdParams = z.object({ id: z.uuid() });

/** `GET /api/compliance/{report|disclosure}.{html|pdf}`. */
export const complianceDocumentParams = z.object({ kind: z.enum(["report", "disclosure"]), format: z.enum(["html", "pdf", "json"]) });
