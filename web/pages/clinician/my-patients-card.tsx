import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { fetchMyPatients, type CarePatient } from "../../api/care-api.js";
import type { Patient } from "../../api/fhir-types.js";
import { readResource } from "../../api/fhir-api.js";
import { DataTable } from "../../components/data-table.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { findName, formatFhirDate, formatName } from "./jp-core-patient.js";

/** The patients in the clinician's care (care team, encounter, department, registered by them), with names read over FHIR. */
export function MyPatientsCard() {
  const { t, i18n } = useTranslation();
  const [patients, setPatients] = useState<Array<CarePatient & { patient?: Patient }> | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    let isCurrent = true;
    fetchMyPatients()
      .then(async (care) => {
        // Reads in parallel; a refused read still lists the id (the relationship is the clinician's own data).
        const read = await Promise.all(care.map(async (entry) => ({ ...entry, patient: await readResource<Patient>("Patient", entry.patientId).catch(() => undefined) })));
        if (isCurrent) setPatients(read);
      })
      .catch((failure: unknown) => isCurrent && setError(failure));
    return () => {
      isCurrent = false;
    };
  }, []);
  const none = t("patient.none");
  return (
    <section className="card" aria-labelledby="my-patients-heading" data-testid="my-patients">
      <h2 id="my-patients-heading">{t("myPatients.heading")}</h2>
      <ErrorMessage error={error} />
      {!patients && !error ? <p role="status">{t("app.loading")}</p> : null}
      {patients?.length === 0 ? <p className="hint">{t("myPatients.empty")}</p> : null}
      {patients && patients.length > 0 ? (
        <DataTable columns={[t("patient.nameKanji"), t("patient.birthDate"), t("myPatients.sources")]}>
          {patients.map((entry) => (
            <tr key={entry.patientId} data-testid="my-patient-row">
              <td>
                <Link to={`/patients/${encodeURIComponent(entry.patientId)}`}>{(entry.patient && formatName(findName(entry.patient, "IDE"))) ?? entry.patientId}</Link>
              </td>
              <td className="nowrap">{formatFhirDate(entry.patient?.birthDate, i18n.language) ?? none}</td>
              <td>{entry.sources.map((source) => t(`careSource.${source}`)).join("・")}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
