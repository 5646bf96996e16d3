import { useTranslation } from "react-i18next";
import type { AttestationViewResponse } from "../../../shared/api/index.js";
import { approveAttestation } from "../../api/compliance-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useSubmit } from "../../components/use-submit.js";

/** One attestation: statement, document, attester, approval or its absence; a pending one offers approval. */
export function AttestationText({ attestation, onApproved }: { attestation: AttestationViewResponse; onApproved(): void }) {
  const { t } = useTranslation();
  const approve = useSubmit(async () => {
    await approveAttestation(attestation.id);
    onApproved();
  });
  const document = attestation.document ? `${attestation.document.title}${attestation.document.reference ? ` (${attestation.document.reference})` : ""}` : undefined;
  const approval =
    attestation.state === "approved"
      ? t("compliance.approvedBy", { name: attestation.approvedByName ?? attestation.approvedBy ?? "-", at: (attestation.approvedAt ?? "").slice(0, 10) }) + (attestation.approvalValid ? "" : ` ${t("compliance.badApproval")}`)
      : attestation.state === "pending"
        ? t("compliance.approvalPending")
        : t("compliance.undocumented");
  return (
    <div data-testid={`attestation-${attestation.id}`}>
      {t("compliance.attestedBy", { name: attestation.attestedByName ?? attestation.attestedBy, at: attestation.attestedAt.slice(0, 10), until: attestation.expiresAt.slice(0, 10), statement: attestation.statement })}
      {document ? ` ${t("compliance.attestedDocument", { document })}` : ""} — {approval}
      {attestation.signatureValid ? "" : ` ${t("compliance.badSignature")}`}
      {attestation.expired ? ` ${t("compliance.expired")}` : ""}
      {attestation.state === "pending" && !attestation.expired ? (
        <form className="inline-form" onSubmit={approve.onSubmit}>
          <button type="submit" disabled={approve.isBusy}>
            {t("compliance.approve")}
          </button>
        </form>
      ) : null}
      <ErrorMessage error={approve.error} />
    </div>
  );
}
