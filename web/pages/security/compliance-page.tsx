import { useTranslation } from "react-i18next";
import type { ComplianceStatusValue } from "../../../shared/api/index.js";
import { complianceDocumentUrl, fetchComplianceReport } from "../../api/compliance-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { AttestForm } from "./attest-form.js";
import { AttestationText } from "./attestation-text.js";

const statuses: ComplianceStatusValue[] = ["met", "partial", "not_met", "unknown"];
const kinds = ["technical", "operational", "organisational", "all"] as const;

const formatEvidence = (evidence: Record<string, unknown>) =>
  Object.entries(evidence)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") || "-" : value === null ? "-" : String(value)}`)
    .join("; ");

/** The security officer's compliance dashboard: every control's status and evidence, attestations, downloads. */
export function CompliancePage() {
  const { t, i18n } = useTranslation();
  const { value: report, error, reload } = useReloadable(fetchComplianceReport);
  const language = i18n.language === "en" ? "en" : "ja";
  const statusLabel = (status: ComplianceStatusValue) => t(`complianceStatus.${status}`);
  return (
    <>
      <h1>{t("compliance.heading")}</h1>
      <p>{t("compliance.intro")}</p>
      <section className="card" aria-labelledby="compliance-downloads">
        <h2 id="compliance-downloads">{t("compliance.downloads")}</h2>
        <p>
          <a className="button-link" href={complianceDocumentUrl("report", "pdf")} data-testid="download-report-pdf">{t("compliance.reportPdf")}</a>{" "}
          <a className="button-link" href={complianceDocumentUrl("report", "json")} data-testid="download-report-json">{t("compliance.reportJson")}</a>{" "}
          <a className="button-link" href={complianceDocumentUrl("report", "html")}>{t("compliance.reportHtml")}</a>{" "}
          <a className="button-link" href={complianceDocumentUrl("disclosure", "pdf")} data-testid="download-disclosure-pdf">{t("compliance.disclosurePdf")}</a>{" "}
          <a className="button-link" href={complianceDocumentUrl("disclosure", "html")}>{t("compliance.disclosureHtml")}</a>
        </p>
      </section>
      <ErrorMessage error={error} />
      {!report ? (
        error ? null : <p role="status">{t("compliance.running")}</p>
      ) : (
        <>
          <section className="card" aria-labelledby="compliance-summary">
            <h2 id="compliance-summary">{t("compliance.summary")}</h2>
            <table data-testid="compliance-summary">
              <thead>
                <tr>
                  <th>{t("compliance.kind")}</th>
                  {statuses.map((status) => (
                    <th key={status}>{statusLabel(status)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {kinds.map((kind) => (
                  <tr key={kind}>
                    <th>{t(`complianceKind.${kind}`)}</th>
                    {statuses.map((status) => (
                      <td key={status} data-testid={`summary-${kind}-${status}`}>{report.summary[kind][status]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <p>{t("compliance.generatedAt", { at: new Date(report.generatedAt).toLocaleString(language === "ja" ? "ja-JP" : "en-CA") })}</p>
          </section>
          {report.controls.map((control) => (
            <section key={control.id} className="card" data-testid={`control-${control.id}`} aria-labelledby={`control-${control.id}-heading`}>
              <h2 id={`control-${control.id}-heading`}>
                {control.id} {control.requirement[language]}{" "}
                <span className={`status-badge status-${control.status}`} data-testid={`status-${control.id}`}>{statusLabel(control.status)}</span>
              </h2>
              <dl className="facts">
                <dt>{t("compliance.source")}</dt>
                <dd>{control.source} {control.section}</dd>
                <dt>{t("compliance.kind")}</dt>
                <dd>{t(`complianceKind.${control.kind}`)}</dd>
                <dt>{t("compliance.meetsBy")}</dt>
                <dd>{control.meetsBy[language]} ({control.meetsBy.module})</dd>
                {control.checks.map((check) => (
                  <div key={check.id} style={{ display: "contents" }}>
                    <dt>{check.id}</dt>
                    <dd>
                      {statusLabel(check.status)}
                      {check.implemented ? ` — ${formatEvidence(check.evidence)}` : ` — ${t("compliance.notImplemented")}`}
                    </dd>
                  </div>
                ))}
                {control.attestationRequired ? (
                  <>
                    <dt>{t("compliance.attestation")}</dt>
                    <dd>
                      {control.attestation ? <AttestationText attestation={control.attestation} onApproved={reload} /> : t("compliance.notAttested")}
                      {control.pendingAttestation ? <AttestationText attestation={control.pendingAttestation} onApproved={reload} /> : null}
                    </dd>
                  </>
                ) : null}
              </dl>
              {control.attestationRequired ? <AttestForm controlId={control.id} onAttested={reload} /> : null}
            </section>
          ))}
        </>
      )}
    </>
  );
}
