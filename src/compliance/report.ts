import type { Config } from "../config/index.js";
import type { LoadedPolicy } from "../access/index.js";
import type { AttestationView } from "./attestations.js";
import type { Control, DisclosureChapter } from "./catalogue.js";
import type { ComplianceStatus } from "./check.js";
import { summarise, type ControlResult, type SummaryCounts } from "./evaluate.js";

/** The compliance report as data: what the JSON format is, and what HTML and PDF render. */
export interface ComplianceReport {
  format: "mamori-compliance-report";
  version: 1;
  generatedAt: string;
  service: { name: string; version: string; publicUrl: string };
  summary: SummaryCounts;
  controls: Array<{
    id: string;
    source: string;
    section: string;
    kind: Control["kind"];
    requirement: { ja: string; en: string };
    meetsBy: { module: string; doc: string; ja: string; en: string };
    disclosure: DisclosureChapter;
    status: ComplianceStatus;
    checks: ControlResult["checks"];
    attestationRequired: boolean;
    attestationStatus: ComplianceStatus | null;
    attestation: AttestationView | null;
    pendingAttestation: AttestationView | null;
  }>;
  /** The Cedar policies in force, quoted (design: "the compliance report quotes them"). */
  policies: Array<{ id: string; file: string; control: string | null; text: string }>;
}

/** Builds the report from the evaluated controls. */
export function buildReport(input: { controls: readonly ControlResult[]; policies: readonly LoadedPolicy[]; config: Readonly<Config>; version: string; generatedAt: Date }): ComplianceReport {
  return {
    format: "mamori-compliance-report",
    version: 1,
    generatedAt: input.generatedAt.toISOString(),
    service: { name: input.config.organisationName, version: input.version, publicUrl: input.config.publicUrl.origin },
    summary: summarise(input.controls),
    controls: input.controls.map((result) => ({
      id: result.control.id,
      source: result.control.source,
      section: result.control.section,
      kind: result.control.kind,
      requirement: result.control.requirement,
      meetsBy: result.control.meetsBy,
      disclosure: result.control.disclosure,
      status: result.status,
      checks: result.checks,
      attestationRequired: result.control.attestation,
      attestationStatus: result.attestationStatus ?? null,
      attestation: result.attestation ?? null,
      pendingAttestation: result.pendingAttestation ?? null,
    })),
    policies: input.policies.map((policy) => ({ id: policy.id, file: policy.file, control: policy.annotations["control"] ?? null, text: policy.text.trim() })),
  };
}
