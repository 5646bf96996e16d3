import { z } from "zod";

/** `GET /api/admin/keys`: which keys protect the data and when they changed; ids and dates only, no key material. */
export const keyStatusResponse = z.object({
  /** `local-file`, `passphrase` or `aws-kms`. */
  kmsKind: z.string(),
  masterKeyId: z.string(),
  kekId: z.string(),
  /** ISO 8601; when the active key-encryption key was created (first start or last rotation). */
  kekCreatedAt: z.string().optional(),
  /** ISO 8601; present once a KEK rotation has replaced an earlier KEK. */
  lastRotationAt: z.string().optional(),
  /** Data keys still wrapped by a retired KEK (re-wrap in progress). */
  pendingRewrap: z.number().int(),
  retiredKeks: z.number().int(),
  masterKeyIdsInUse: z.array(z.string()),
});
export type KeyStatusResponse = z.infer<typeof keyStatusResponse>;

/** A FHIR logical id (FHIR R4 §2.26 id datatype). */
export const shredPatientParams = z.object({ id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/) });

/** One administrator's approval to shred a patient's records before the legal retention period ends. */
export const shredApprovalRequest = z.object({ reason: z.string().trim().min(1).max(500) });
export type ShredApprovalRequest = z.infer<typeof shredApprovalRequest>;

/** Why shredding was allowed (`fhir.retention_expired` or `fhir.dual_approval`) and how many data keys it cleared. */
export const shredPatientResponse = z.object({ reasonCode: z.string(), dataKeys: z.number().int() });
export type ShredPatientResponse = z.infer<typeof shredPatientResponse>;
