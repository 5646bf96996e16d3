import { createRecordPolicyEvaluator, type AccessAction, type AccessSubject, type RecordAction, type RecordTarget } from "../../access/index.js";
import { outcome, type ComplianceCheck } from "../check.js";

const clinicalActions: AccessAction[] = ["read", "search", "create", "update", "delete"];
const recordActions: RecordAction[] = ["read", "search", "create", "update", "delete"];
const recordProbes: RecordTarget[] = [
  { type: "Observation", id: "compliance-probe", category: "clinical", patientId: "compliance-probe", confidentiality: "N" },
  { type: "Patient", id: "compliance-probe", category: "demographic", patientId: "compliance-probe", confidentiality: "N" },
  // An uploaded file is decided as a clinical record of its patient.
  { type: "Binary", id: "compliance-probe", category: "clinical", patientId: "compliance-probe", confidentiality: "N" },
];

/**
 * ACC-2: asks the real policy engine whether synthetic administrators (alone, and also holding a clinical role)
 * may touch a Patient, and asks the record policies the same about clinical and demographic records and uploaded
 * files even with a care relationship and a break-glass grant. Every answer must be a denial.
 */
export const adminNoClinical: ComplianceCheck = {
  id: "access.admin_no_clinical",
  title: { ja: "管理者による診療情報アクセスの禁止", en: "Administrators cannot read clinical data" },
  async run({ decide, policies }) {
    const subjects: AccessSubject[] = [
      { accountId: "00000000-0000-4000-8000-00000000c0de", roles: ["admin"] },
      { accountId: "00000000-0000-4000-8000-00000000c0df", roles: ["admin", "doctor"] },
    ];
    const evaluateRecord = createRecordPolicyEvaluator(policies);
    const allowed: string[] = [];
    let asked = 0;
    for (const subject of subjects) {
      for (const action of clinicalActions) {
        asked += 1;
        if (decide(subject, action, { type: "Patient", id: "compliance-probe" }).allowed) allowed.push(`${subject.roles.join("+")}:${action}:Patient`);
      }
      for (const action of recordActions) {
        for (const target of recordProbes) {
          asked += 1;
          const decision = evaluateRecord(subject, action, target, { relationship: ["care_team"], consentDenied: false, breakGlass: true });
          if (decision.allowed) allowed.push(`${subject.roles.join("+")}:${action}:Record/${target.type}`);
        }
      }
    }
    const evidence = { decisionsAsked: asked, allowed: allowed.length, allowedCombinations: allowed };
    return allowed.length === 0 ? outcome("met", "the policy denies administrators every clinical action", evidence) : outcome("not_met", "the policy lets administrators touch clinical data", evidence);
  },
};
