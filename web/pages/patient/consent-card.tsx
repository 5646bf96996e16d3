import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Consent, Organization } from "../../api/fhir-clinical-types.js";
import { createResource, searchResources, updateResource } from "../../api/fhir-api.js";
import { buildDenyConsent, deniablePurposes, type Purpose } from "./portal-resources.js";
import { DataTable } from "../../components/data-table.js";
import { ErrorMessage } from "../../components/error-message.js";
import { SelectField } from "../../components/select-field.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { useSubmit } from "../../components/use-submit.js";
import { useFhirDateTime } from "../chart/format.js";

// Without the organisations the card still works: a refusal names the organisation by its reference instead.
const loadOrganizations = () => searchResources<Organization>("Organization", [["_count", "100"]]).catch((): Organization[] => []);
const noOrganizations: Organization[] = [];

/** The patient's own consent choices: lists them, adds a refusal, revokes one (status inactive, version-aware). */
export function ConsentCard({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const formatDate = useFhirDateTime();
  const loadConsents = useCallback(() => searchResources<Consent>("Consent", [["patient", patientId]]), [patientId]);
  const { value: consents, error, reload } = useReloadable(loadConsents);
  const { value: organizations = noOrganizations } = useReloadable(loadOrganizations);
  const [choice, setChoice] = useState("");
  const add = useSubmit(async () => {
    if (!choice) throw t("consent.chooseFirst");
    const [kind, value = ""] = choice.split(":");
    await createResource(buildDenyConsent(patientId, kind === "org" ? { organizationId: value } : { purpose: value as Purpose }, new Date()));
    setChoice("");
    void reload();
  });
  const [revokeError, setRevokeError] = useState<unknown>(undefined);
  const revokeOne = (consent: Consent) => {
    if (!consent.meta?.versionId) return;
    setRevokeError(undefined);
    // A 412 means the consent changed meanwhile: the reload shows its current state before the next try.
    updateResource({ ...consent, status: "inactive" }, consent.meta.versionId).then(reload, (failure: unknown) => {
      setRevokeError(failure);
      return reload();
    });
  };
  const organizationName = (reference: string | undefined) => organizations.find((organization) => `Organization/${organization.id}` === reference)?.name ?? reference ?? "";
  const describe = (consent: Consent) => {
    const purpose = consent.provision?.purpose?.[0]?.code;
    if (purpose) return t("consent.denyPurpose", { purpose: t(`consentPurpose.${purpose as Purpose}`, { defaultValue: purpose }) });
    return t("consent.denyOrganization", { name: organizationName(consent.provision?.actor?.[0]?.reference.reference) });
  };
  const options = [
    ...deniablePurposes.map((purpose) => ({ value: `purpose:${purpose}`, label: t("consent.denyPurpose", { purpose: t(`consentPurpose.${purpose}`) }) })),
    ...organizations.filter((organization) => organization.id).map((organization) => ({ value: `org:${organization.id}`, label: t("consent.denyOrganization", { name: organization.name ?? organization.id }) })),
  ];
  return (
    <section className="card" aria-labelledby="consent-heading" data-testid="consent-card">
      <h2 id="consent-heading">{t("consent.heading")}</h2>
      <p className="hint intro">{t("consent.intro")}</p>
      <ErrorMessage error={error ?? revokeError} />
      {consents?.length === 0 ? <p className="hint">{t("consent.none")}</p> : null}
      {consents && consents.length > 0 ? (
        <DataTable testId="consent-table" columns={[t("consent.what"), t("chart.status"), t("consent.since"), ""]}>
          {consents.map((consent) => (
            <tr key={consent.id} data-testid="consent-row">
              <td>{describe(consent)}</td>
              <td>{t(consent.status === "active" ? "consent.active" : "consent.inactive")}</td>
              <td className="nowrap">{formatDate(consent.dateTime)}</td>
              <td>
                {consent.status === "active" ? (
                  <button type="button" className="secondary" data-testid="consent-revoke" onClick={() => revokeOne(consent)}>
                    {t("consent.revoke")}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      <form onSubmit={add.onSubmit} className="inline-form">
        <SelectField id="consent-choice" label={t("consent.add")} value={choice} placeholder={t("consent.choose")} options={options} onValueChange={setChoice} />
        <button type="submit" data-testid="consent-submit" disabled={add.isBusy}>
          {t("consent.submit")}
        </button>
      </form>
      <ErrorMessage error={add.error} />
    </section>
  );
}
