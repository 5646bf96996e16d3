import { useState } from "react";
import { useTranslation } from "react-i18next";
import { codeIn, conceptText } from "../../api/fhir-clinical-types.js";
import { applyEdit, statuses, systemOf, type ClinicalStatus, type Editable } from "./clinical-edit.js";
import { readResource, updateResource } from "../../api/fhir-api.js";
import { RequestError } from "../../api/request-error.js";
import { ErrorMessage } from "../../components/error-message.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

/**
 * Edits an allergy or a condition with a version-aware update (If-Match). When someone saved a newer version in the
 * meantime (412), it shows that version beside the user's edit; the user retries on top of it or drops the edit.
 */
export function EditClinicalForm({ resource, onSaved, onCancel }: { resource: Editable; onSaved(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [base, setBase] = useState<Editable>(resource);
  const [text, setText] = useState(conceptText(resource.code) ?? "");
  const [status, setStatus] = useState<ClinicalStatus>((codeIn(resource.clinicalStatus, systemOf(resource)) as ClinicalStatus | undefined) ?? "active");
  const [newer, setNewer] = useState<Editable | undefined>(undefined);
  const submit = useSubmit(async () => {
    const versionId = base.meta?.versionId;
    if (!versionId || !base.id) throw t("chart.noVersion");
    try {
      await updateResource(applyEdit(base, text.trim(), status), versionId);
      onSaved();
    } catch (failure) {
      if (!(failure instanceof RequestError) || failure.status !== 412) throw failure;
      setNewer(await readResource<Editable>(base.resourceType, base.id));
    }
  });
  const useNewer = () => {
    if (!newer) return;
    setBase(newer);
    setNewer(undefined);
  };
  const headingId = `edit-${resource.id ?? "new"}-heading`;
  return (
    <section className="edit-panel" aria-labelledby={headingId} data-testid="edit-clinical">
      <h3 id={headingId}>{t(resource.resourceType === "AllergyIntolerance" ? "chart.editAllergy" : "chart.editCondition")}</h3>
      {newer ? (
        <div className="notice warning" role="alert" data-testid="edit-conflict">
          <p>{t("chart.conflict")}</p>
          <dl className="facts">
            <dt>{t("chart.item")}</dt>
            <dd data-testid="conflict-text">{conceptText(newer.code)}</dd>
            <dt>{t("chart.status")}</dt>
            <dd data-testid="conflict-status">{codeIn(newer.clinicalStatus, systemOf(newer))}</dd>
            <dt>{t("patient.version")}</dt>
            <dd>{newer.meta?.versionId}</dd>
          </dl>
          <div className="actions">
            <button type="button" data-testid="conflict-retry" onClick={useNewer}>
              {t("chart.conflictRetry")}
            </button>
            <button type="button" className="secondary" onClick={onCancel}>
              {t("chart.conflictDiscard")}
            </button>
          </div>
        </div>
      ) : null}
      <form onSubmit={submit.onSubmit}>
        <div className="row">
          <TextField id="edit-text" label={t("chart.item")} required maxLength={200} value={text} onValueChange={setText} />
          <SelectField id="edit-status" label={t("chart.status")} value={status} onValueChange={setStatus} options={statuses.map((value) => ({ value, label: t(`clinicalStatus.${value}`) }))} />
        </div>
        <ErrorMessage error={submit.error} />
        <div className="actions">
          <button type="submit" data-testid="edit-save" disabled={submit.isBusy || newer !== undefined}>
            {t("chart.save")}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            {t("chart.cancel")}
          </button>
        </div>
      </form>
    </section>
  );
}
