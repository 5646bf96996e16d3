import type { AttestationView } from "./attestations.js";
import type { Control } from "./catalogue.js";
import type { ComplianceStatus } from "./check.js";
import type { CheckResult } from "./runner.js";

export interface ControlCheckResult {
  id: string;
  status: ComplianceStatus;
  /** False when no check file implements this id yet: "not yet checked". */
  implemented: boolean;
  title?: { ja: string; en: string };
  reason: string;
  evidence: CheckResult["evidence"];
  checkedAt?: string;
}

export interface ControlResult {
  control: Control;
  status: ComplianceStatus;
  checks: ControlCheckResult[];
  /** The attestation in force (approved), else the newest one waiting for approval or undocumented. */
  attestation: AttestationView | undefined;
  /** A newer attestation waiting for approval while an approved one is shown (a renewal). */
  pendingAttestation: AttestationView | undefined;
  /** The attestation's part of the status when the control needs one. */
  attestationStatus: ComplianceStatus | undefined;
}

/**
 * A control's status from its parts: any part not met makes it not met; all parts unknown leave it unknown
 * ("not yet checked"); a mix of met and unknown or partial parts is partial; all parts met is met. A required
 * attestation counts as a part (see attestationPart).
 */
export function combineStatuses(parts: readonly ComplianceStatus[]): ComplianceStatus {
  // every() of no parts is true: nothing to judge is "unknown".
  if (parts.every((part) => part === "unknown")) return "unknown";
  if (parts.includes("not_met")) return "not_met";
  if (parts.every((part) => part === "met")) return "met";
  return "partial";
}

/**
 * A required attestation's part of a control's status: met only when approved by a second person, both signatures
 * verify and it has not expired; waiting for approval is unknown (the disclosure prints 未確認, never 対応); missing,
 * expired, undocumented or with a signature that does not verify is not met.
 */
export function attestationPart(attestation: AttestationView | undefined): ComplianceStatus {
  if (!attestation || attestation.expired || !attestation.signatureValid) return "not_met";
  if (attestation.state === "pending") return "unknown";
  return attestation.state === "approved" && attestation.approvalValid ? "met" : "not_met";
}

/** Joins the catalogue, the check results and the attestations into one result per control. */
export function evaluateControls(catalogue: readonly Control[], results: readonly CheckResult[], attestations: readonly AttestationView[]): ControlResult[] {
  const byId = new Map(results.map((result) => [result.id, result]));
  return catalogue.map((control) => {
    const checks: ControlCheckResult[] = control.checks.map((id) => {
      const result = byId.get(id);
      return result
        ? { id, status: result.status, implemented: true, title: result.title, reason: result.reason, evidence: result.evidence, checkedAt: result.checkedAt }
        : { id, status: "unknown", implemented: false, reason: "not yet checked: no check implements this id yet", evidence: {} };
    });
    const own = attestations.filter((candidate) => candidate.controlId === control.id);
    const attestation = own.find((candidate) => candidate.state === "approved") ?? own[0];
    const pendingAttestation = attestation?.state === "approved" ? own.find((candidate) => candidate.state === "pending") : undefined;
    const attestationStatus = control.attestation ? attestationPart(attestation) : undefined;
    const parts = [...checks.map((check) => check.status), ...(attestationStatus ? [attestationStatus] : [])];
    // An attestation waiting for approval leaves the control unchecked as a whole: met checks beside it must not
    // lift it to partial (一部対応) before a second person has looked at the document.
    const status = attestationStatus === "unknown" && !parts.includes("not_met") ? "unknown" : combineStatuses(parts);
    return { control, status, checks, attestation, pendingAttestation, attestationStatus };
  });
}

export type SummaryCounts = Record<"technical" | "operational" | "organisational" | "all", Record<ComplianceStatus, number>>;

/** Counts of controls by kind and status. */
export function summarise(controls: readonly ControlResult[]): SummaryCounts {
  const empty = () => ({ met: 0, partial: 0, not_met: 0, unknown: 0 });
  const summary: SummaryCounts = { technical: empty(), operational: empty(), organisational: empty(), all: empty() };
  for (const result of controls) {
    summary[result.control.kind][result.status] += 1;
    summary.all[result.status] += 1;
  }
  return summary;
}
