import type { Config } from "../config/index.js";
import type { DisclosureChapter } from "./catalogue.js";
import type { AttestationView } from "./attestations.js";
import { formatEvidence, type ReportDocument } from "./document.js";
import type { ComplianceReport } from "./report.js";

/**
 * Chapters of the サービス仕様適合開示書 (PROV 第1.1版 4.1 表4-1: information the provider gives medical
 * institutions), in the order providers' published disclosures use: organisational, physical, technical and human
 * safeguards, then agreement on responsibilities.
 */
const chapters: Record<DisclosureChapter, { number: string; ja: string }> = {
  organisational: { number: "2", ja: "組織的安全管理対策" },
  physical: { number: "3", ja: "物理的安全対策" },
  technical: { number: "4", ja: "技術的安全管理対策" },
  human: { number: "5", ja: "人的安全対策" },
  agreement: { number: "6", ja: "合意形成と責任分界" },
};

const disclosureStatus = { met: "対応", partial: "一部対応", not_met: "非対応", unknown: "未確認" } as const;

// What the medical institution itself must do for a control (shared responsibility); shown as 利用者側で対応.
const institutionDuties: Record<string, string> = {
  "AUTH-1": "職員ごとに個別のアカウントを申請し、共用しないこと",
  "AUTH-6": "退職・異動を速やかに管理者へ連絡し、定期的にアカウントを見直すこと",
  "SES-1": "端末の離席時ロック（クリアスクリーン）を職員に徹底すること",
  "NET-2": "管理画面へ接続する端末とネットワークを限定すること",
  "LOG-4": "自院の利用者のアクセスログを定期的に確認すること",
  "INC-1": "自院の連絡体制を定め、インシデント発生時に事業者と所管官庁・個人情報保護委員会へ報告すること",
  "INC-2": "システム停止時の自院の業務継続計画（BCP）を定めること",
  "ORG-2": "自院の職員に医療情報の安全管理の教育を行うこと",
  "ACC-4": "患者への説明と同意の取得を行うこと",
};

const unfilled = "未記入";

const day = (iso: string) => iso.slice(0, 10);

/**
 * What an attestation rests on, as the medical institution reads it: the statement, the document, who attested and
 * who approved (display names), and whether it counts. An attestation waiting for approval says so.
 */
export function attestationLine(attestation: AttestationView | null): string {
  if (!attestation) return "証明: 未証明";
  const attester = attestation.attestedByName ?? attestation.attestedBy;
  const document = attestation.document ? `${attestation.document.title}${attestation.document.reference ? `（${attestation.document.reference}）` : ""}` : "根拠文書の記載なし（再証明が必要）";
  const approval =
    attestation.state === "approved"
      ? `承認 ${attestation.approvedByName ?? attestation.approvedBy ?? "-"} ${day(attestation.approvedAt ?? "")}${attestation.approvalValid ? "" : "（承認の署名が検証できません）"}`
      : attestation.state === "pending"
        ? "承認待ち（未承認のため未確認）"
        : "未承認";
  const flags = [attestation.expired ? "期限切れ" : "", attestation.signatureValid ? "" : "署名が検証できません"].filter(Boolean).join("、");
  return `証明: 「${attestation.statement}」 根拠文書: ${document} 証明者: ${attester} ${day(attestation.attestedAt)} ${approval}（期限 ${day(attestation.expiresAt)}${flags ? `、${flags}` : ""}）`;
}

/** The サービス仕様適合開示書 as a document, from the report and the operator's data; missing values print 未記入. */
export function disclosureDocument(report: ComplianceReport, config: Readonly<Config>): ReportDocument {
  const provider = config.provider;
  const basics = [
    { label: "事業者名", value: provider.name ?? unfilled },
    { label: "サービス名・版", value: `Mamori ${report.service.version}` },
    { label: "サービスのURL", value: report.service.publicUrl },
    { label: "問合せ窓口", value: provider.contact ?? unfilled },
    { label: "受付時間", value: provider.supportHours ?? unfilled },
    { label: "データセンター所在地", value: provider.dataCentreLocation ?? unfilled },
    { label: "データの所在国", value: provider.dataCentreCountry ?? unfilled },
    { label: "再委託先", value: provider.subcontractors?.join("、") ?? unfilled },
    { label: "準拠するガイドライン", value: "医療情報システムの安全管理に関するガイドライン第6.0版、医療情報を取り扱う情報システム・サービスの提供事業者における安全管理ガイドライン第1.1版" },
  ];
  return {
    title: "サービス仕様適合開示書",
    titleEn: "Service specification conformance disclosure",
    preface: [
      { label: "作成日", value: report.generatedAt.slice(0, 10) },
      // The organisation's appointment (configuration), not whoever happened to attest ORG-1.
      { label: "情報管理責任者", value: provider.securityOfficer ?? unfilled },
    ],
    sections: [
      { heading: "1. 事業者とサービスの基本情報", items: [{ title: "基本情報", fields: basics }] },
      ...(Object.keys(chapters) as DisclosureChapter[]).map((chapter) => ({
        heading: `${chapters[chapter].number}. ${chapters[chapter].ja}`,
        items: report.controls
          .filter((control) => control.disclosure === chapter)
          .map((control) => {
            const duty = institutionDuties[control.id];
            const tone = control.status as keyof typeof disclosureStatus;
            return {
              title: `${control.id} ${control.requirement.ja}`,
              status: { label: disclosureStatus[tone] + (duty ? "・利用者側で対応" : ""), tone },
              fields: [
                { label: "要求事項の出典", value: `${control.source} ${control.section}` },
                { label: "対応方法", value: control.meetsBy.ja },
                {
                  label: "根拠",
                  value:
                    [
                      ...control.checks.map((check) => `${check.id}: ${check.implemented ? formatEvidence(check.evidence) : "未検査"}`),
                      ...(control.attestationRequired ? [attestationLine(control.attestation)] : []),
                      ...(control.pendingAttestation ? [`更新中の${attestationLine(control.pendingAttestation)}`] : []),
                    ].join(" / ") || "-",
                },
                ...(duty ? [{ label: "利用者側で対応", value: duty }] : []),
              ],
            };
          }),
      })),
    ],
  };
}
