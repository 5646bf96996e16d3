import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Patient } from "../../api/fhir-types.js";
import { searchResources } from "../../api/fhir-api.js";
import { DataTable } from "../../components/data-table.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";
import { findName, findPatientNumber, formatFhirDate, formatName } from "./jp-core-patient.js";
import { NotADateError, patientQueries, type PatientQuery } from "./patient-query.js";

function queriesOrMessage(input: string, notADate: string): PatientQuery[] {
  try {
    return patientQueries(input);
  } catch (error) {
    if (error instanceof NotADateError) throw notADate;
    throw error;
  }
}

/**
 * Finds patients by kanji, kana or romaji name, patient number or birth date, from one field. What was typed travels
 * in POST form bodies (FHIR `_search`), never in the URL; results link by random resource id only.
 */
export function PatientSearchForm() {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState("");
  const [results, setResults] = useState<Patient[] | undefined>(undefined);
  const submit = useSubmit(async () => {
    const queries = queriesOrMessage(name, t("patientSearch.notADate"));
    if (queries.length === 0) throw t("patientSearch.nameRequired");
    const found = await Promise.all(queries.map((query) => searchResources<Patient>("Patient", [...query.params, ["_count", "50"]])));
    const byId = new Map(found.flat().map((patient) => [patient.id, patient]));
    setResults([...byId.values()]);
  });
  const none = t("patient.none");
  return (
    <section className="card" aria-labelledby="patient-search-heading">
      <h2 id="patient-search-heading">{t("patientSearch.heading")}</h2>
      <form onSubmit={submit.onSubmit} className="inline-form" role="search">
        <TextField id="patient-search-name" label={t("patientSearch.name")} hint={t("patientSearch.hint")} autoComplete="off" value={name} onValueChange={setName} />
        <button type="submit" data-testid="patient-search-submit" disabled={submit.isBusy}>
          {t("patientSearch.submit")}
        </button>
      </form>
      <ErrorMessage error={submit.error} />
      {results !== undefined && results.length === 0 ? <p role="status">{t("patientSearch.noResults")}</p> : null}
      {results !== undefined && results.length > 0 ? (
        <DataTable testId="patient-search-results" columns={[t("patient.nameKanji"), t("patient.nameKana"), t("patient.birthDate"), t("patient.patientNumber")]}>
          {results.map((patient) => (
            <tr key={patient.id} data-testid="patient-search-row">
              <td>
                <Link to={`/patients/${encodeURIComponent(patient.id ?? "")}`}>{formatName(findName(patient, "IDE")) ?? none}</Link>
              </td>
              <td>{formatName(findName(patient, "SYL")) ?? none}</td>
              <td className="nowrap">{formatFhirDate(patient.birthDate, i18n.language) ?? none}</td>
              <td>{findPatientNumber(patient) ?? none}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
