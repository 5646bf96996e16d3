import { createAccessStore, createRecordPolicyEvaluator, type RecordAction, type RecordDecisionFacts, type RecordPrincipal, type RecordTarget } from "../../access/index.js";
import { outcome, type ComplianceCheck } from "../check.js";

const doctor: RecordPrincipal = { accountId: "00000000-0000-4000-8000-00000000c0e1", roles: ["doctor"] };
const patient: RecordPrincipal = { accountId: "00000000-0000-4000-8000-00000000c0e2", roles: ["patient"], patientId: "compliance-probe" };
const observation: RecordTarget = { type: "Observation", id: "compliance-probe", category: "clinical", patientId: "compliance-probe", confidentiality: "N" };
const consent: RecordTarget = { type: "Consent", id: "compliance-probe", category: "clinical", patientId: "compliance-probe", confidentiality: "N" };
const related = { relationship: ["care_team"] as const, breakGlass: false };

/** Probes of the record policies in force: what consent must do, and what it must leave alone. */
const probes: Array<{ name: string; principal: RecordPrincipal; action: RecordAction; target: RecordTarget; facts: RecordDecisionFacts; allowed: boolean }> = [
  { name: "denied consent closes the record to the treating doctor", principal: doctor, action: "read", target: observation, facts: { ...related, consentDenied: true }, allowed: false },
  { name: "without a denial the treating doctor reads", principal: doctor, action: "read", target: observation, facts: { ...related, consentDenied: false }, allowed: true },
  { name: "emergency access overrides a denial", principal: doctor, action: "read", target: observation, facts: { relationship: [], consentDenied: true, breakGlass: true }, allowed: true },
  { name: "the patient records their own consent", principal: patient, action: "create", target: consent, facts: { relationship: [], consentDenied: false, breakGlass: false }, allowed: true },
];

/**
 * ACC-4: asks the real record policies whether an active Consent's denial closes a patient's records to a treating
 * doctor (and only break-glass overrides it), and whether patients can record their own consent. Evidence counts
 * the denial rules currently derived from active Consent resources.
 */
export const consentEnforced: ComplianceCheck = {
  id: "access.consent",
  title: { ja: "患者同意の適用", en: "Patient consent enforced" },
  async run({ db, policies }) {
    const evaluate = createRecordPolicyEvaluator(policies);
    const failed = probes.filter((probe) => evaluate(probe.principal, probe.action, probe.target, probe.facts).allowed !== probe.allowed).map((probe) => probe.name);
    const counts = await createAccessStore(db.kysely).countConsentRules();
    const evidence = { probes: probes.length, failedProbes: failed, denialRules: counts.rules, patientsWithDenials: counts.patients };
    return failed.length === 0 ? outcome("met", "consent denials close records except in an emergency, and patients record their consent", evidence) : outcome("not_met", "the record policies do not enforce consent", evidence);
  },
};
