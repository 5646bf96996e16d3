import { request } from "./http.js";

/** Emergency access requests and their review (contract: /api/break-glass). Times are ISO or epoch as sent. */
export interface BreakGlassGrant {
  id: string;
  patientId: string;
  reason?: string;
  grantedAt?: string | number;
  expiresAt: string | number;
}

export type ReviewStatus = "open" | "closed";
export type ReviewOutcome = "justified" | "unjustified";

export interface BreakGlassReview {
  id: string;
  account: { id: string; displayName: string };
  patientId: string;
  reason: string;
  grantedAt: string | number;
  expiresAt: string | number;
  accessCount: number;
  status: ReviewStatus;
  outcome?: ReviewOutcome;
  note?: string;
  reviewedAt?: string | number;
}

/** The server's limits on a break-glass reason. */
export const breakGlassReasonLength = { min: 10, max: 500 } as const;

/**
 * Asks for emergency access to one patient's chart (doctor, nurse, pharmacist); the grant is time-limited and reviewed.
 * @throws RequestError when refused (e.g. a reason too short, or a role without emergency access).
 */
export function requestBreakGlass(patientId: string, reason: string): Promise<BreakGlassGrant> {
  return request<BreakGlassGrant>("/api/break-glass", { method: "POST", body: { patientId, reason } });
}

/**
 * The signed-in clinician's active grants.
 * @throws RequestError when the server refuses.
 */
export async function fetchMyGrants(): Promise<BreakGlassGrant[]> {
  return (await request<{ grants: BreakGlassGrant[] }>("/api/break-glass/mine")).grants;
}

/**
 * The security officer's review queue.
 * @throws RequestError when the account is not a security officer.
 */
export async function fetchBreakGlassReviews(status: ReviewStatus): Promise<BreakGlassReview[]> {
  return (await request<{ items: BreakGlassReview[] }>(`/api/break-glass/reviews?status=${status}`)).items;
}

/**
 * Closes a review with the officer's judgement.
 * @throws RequestError when the account is not a security officer or the review is already closed.
 */
export async function closeBreakGlassReview(id: string, outcome: ReviewOutcome, note: string): Promise<void> {
  await request<unknown>(`/api/break-glass/reviews/${encodeURIComponent(id)}`, { method: "POST", body: { outcome, note } });
}
