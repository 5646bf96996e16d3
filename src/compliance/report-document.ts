import { attestationLine } from "./disclosure.js";
import { formatEvidence, statusLabels, type ReportDocument } from "./document.js";
import type { ComplianceReport } from "./report.js";

const kindLabels = { technical: { ja: "技術的", en: "Technical" }, operational: { ja: "運用的", en: "Operational" }, organisational: { ja: "組織的", en: "Organisational" } } as const;
type Kind = keyof typeof kindLabels;
type Status = keyof typeof statusLabels;

/** The compliance report as a document: summary, then every control with its status, checks and attestation. */
export function reportDocument(report: ComplianceReport): ReportDocument {
  const counts = (kind: Kind | "all") => (Object.keys(statusLabels) as Status[]).map((status) => `${statusLabels[status].ja} ${report.summary[kind][status]}`).join(" / ");
  return {
    title: "コンプライアンス報告書",
    titleEn: "Compliance report",
    preface: [
      { label: "サービス", value: `${report.service.name} (Mamori ${report.service.version}) ${report.service.publicUrl}` },
      { label: "作成日時", value: report.generatedAt },
      { label: "管理策の数", value: String(report.controls.length) },
    ],
    sections: [
      {
        heading: "集計",
        headingEn: "Summary by kind and status",
        items: [
          ...(Object.keys(kindLabels) as Kind[]).map((kind) => ({ title: `${kindLabels[kind].ja}管理策`, titleEn: kindLabels[kind].en, fields: [{ label: "状態", value: counts(kind) }] })),
          { title: "全体", titleEn: "All", fields: [{ label: "状態", value: counts("all") }] },
        ],
      },
      {
        heading: "管理策ごとの状態",
        headingEn: "Controls",
        items: report.controls.map((control) => ({
          title: `${control.id} ${control.requirement.ja}`,
          titleEn: control.requirement.en,
          status: { label: statusLabels[control.status as Status].ja, tone: control.status as Status },
          fields: [
            { label: "出典", value: `${control.source} ${control.section}` },
            { label: "種別", value: kindLabels[control.kind as Kind].ja },
            { label: "対応する機能", value: `${control.meetsBy.ja}（${control.meetsBy.module}）` },
            { label: "Met by", value: control.meetsBy.en, en: true },
            ...control.checks.map((check) => ({
              label: `検査 ${check.id}`,
              value: `${statusLabels[check.status].ja} — ${check.implemented ? formatEvidence(check.evidence) : "未実装（後日追加）"}`,
            })),
            ...control.checks.map((check) => ({ label: `Check ${check.id}`, value: `${statusLabels[check.status].en}: ${check.reason}`, en: true })),
            ...(control.attestationRequired ? [{ label: "証明", value: attestationLine(control.attestation) }] : []),
            ...(control.pendingAttestation ? [{ label: "更新中の証明", value: attestationLine(control.pendingAttestation) }] : []),
          ],
        })),
      },
    ],
  };
}

/** The Cedar policies in force, quoted as an appendix of the HTML report. */
export function policyAppendix(report: ComplianceReport) {
  return { heading: "付録: アクセス制御ポリシー（Cedar）", blocks: report.policies.map((policy) => ({ title: `${policy.id} (${policy.file}; ${policy.control ?? "-"})`, text: policy.text })) };
}
