import type { RecordAction, RecordAuthorizer } from "./records-authorizer.js";

/** Which record types and actions to ask about: the ones a screen offers. */
export interface RecordActionQuestion<Type extends string, Action extends RecordAction> {
  types: readonly Type[];
  actions: readonly Action[];
}

/**
 * What the caller may do with one patient's clinical records, per type, asked of the same record policies that decide
 * each request. Labelled records (R, V) are narrower still and decided when touched; the preview counts no
 * break-glass use.
 * @throws {Error} when the database cannot be read.
 */
export async function recordActionsOf<Type extends string, Action extends RecordAction>(
  authorizer: RecordAuthorizer,
  patientId: string,
  question: RecordActionQuestion<Type, Action>,
): Promise<Record<Type, Action[]>> {
  const entries = await Promise.all(
    question.types.map(async (type) => {
      const target = { type, id: "preview", category: "clinical", patientId, confidentiality: "N" } as const;
      const allowed = await Promise.all(question.actions.map(async (action) => (await authorizer.preview(action, target)).allowed));
      return [type, question.actions.filter((_, index) => allowed[index])] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Type, Action[]>;
}

/**
 * Whether the patient's consent is what keeps the caller out now: an active Consent refusing its department or
 * purpose of use, with no emergency grant overriding it. The refusal closes every record of the patient, the Patient
 * itself included, so asking about that one answers for all.
 * @throws {Error} when the database cannot be read.
 */
export async function isRefusedByConsent(authorizer: RecordAuthorizer, patientId: string): Promise<boolean> {
  const decision = await authorizer.preview("read", { type: "Patient", id: patientId, category: "demographic", patientId, confidentiality: "N" });
  return !decision.allowed && decision.reasonCode === "access.consent_denied";
}
