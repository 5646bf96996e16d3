import { useState } from "react";
import type { CareStandingResponse, ChartRecordType, RecordWriteAction } from "../../../shared/api/index.js";
import { observationCategorySystem, type AllergyIntolerance, type Condition, type DocumentReference, type Encounter, type MedicationRequest, type Observation } from "../../api/fhir-clinical-types.js";
import { updateResource } from "../../api/fhir-api.js";
import { RequestError } from "../../api/request-error.js";
import { AllergyBanner } from "./allergy-banner.js";
import { BreakGlassRequest } from "./break-glass-dialog.js";
import { ConditionList } from "./condition-list.js";
import { DocumentList } from "./document-list.js";
import { EditClinicalForm } from "./edit-clinical-form.js";
import { EncounterTimeline } from "./encounter-timeline.js";
import { LabTable } from "./lab-table.js";
import { MedicationList } from "./medication-list.js";
import { RecordAllergyForm } from "./record-allergy-form.js";
import { RecordVitalForm } from "./record-vital-form.js";
import { useChartSection } from "./use-chart-section.js";
import { enteredInError } from "./vital-sign-codes.js";
import { VitalSigns } from "./vital-signs.js";

/**
 * The clinical chart of one patient: allergies first, then encounters, vital signs, laboratory results, conditions,
 * medications and documents. `recordActions` (the clinician's care standing) adds the forms the server would accept,
 * so a nurse is not offered to edit a diagnosis; without it (the patient portal) the chart is read-only.
 * Every section is its own FHIR search, authorized and audited by the server. When a section is refused (403) a
 * clinician may ask for emergency access; `onAccessGranted` then reloads the chart.
 */
export function ClinicalChart({ patientId, recordActions, onAccessGranted }: { patientId: string; recordActions?: CareStandingResponse["recordActions"] | undefined; onAccessGranted?: (() => void) | undefined }) {
  const may = (type: ChartRecordType, action: RecordWriteAction) => recordActions?.[type].includes(action) ?? false;
  const allergies = useChartSection<AllergyIntolerance>("AllergyIntolerance", patientId);
  const encounters = useChartSection<Encounter>("Encounter", patientId);
  const vitals = useChartSection<Observation>("Observation", patientId, [["category", `${observationCategorySystem}|vital-signs`]]);
  const labs = useChartSection<Observation>("Observation", patientId, [["category", `${observationCategorySystem}|laboratory`]]);
  const conditions = useChartSection<Condition>("Condition", patientId);
  const medications = useChartSection<MedicationRequest>("MedicationRequest", patientId);
  const documents = useChartSection<DocumentReference>("DocumentReference", patientId);
  const isRefused = [allergies, encounters, vitals, labs, conditions, medications, documents].some((section) => section.error instanceof RequestError && section.error.status === 403);
  const [editing, setEditing] = useState<AllergyIntolerance | Condition | undefined>(undefined);

  const markVitalEnteredInError = async (observation: Observation) => {
    if (!observation.meta?.versionId) throw new Error("the reading has no version to update");
    await updateResource(enteredInError(observation), observation.meta.versionId);
    vitals.reload();
  };

  const finishEdit = (saved: boolean) => {
    if (saved) (editing?.resourceType === "AllergyIntolerance" ? allergies : conditions).reload();
    setEditing(undefined);
  };
  const editor = editing ? <EditClinicalForm key={`${editing.resourceType}/${editing.id}`} resource={editing} onSaved={() => finishEdit(true)} onCancel={() => finishEdit(false)} /> : null;

  return (
    <div className="chart" data-testid="clinical-chart">
      {isRefused && onAccessGranted ? <BreakGlassRequest patientId={patientId} onGranted={onAccessGranted} /> : null}
      <AllergyBanner allergies={allergies.items} error={allergies.error} onEdit={may("AllergyIntolerance", "update") ? setEditing : undefined} />
      {editing?.resourceType === "AllergyIntolerance" ? editor : null}
      {may("AllergyIntolerance", "create") ? <RecordAllergyForm patientId={patientId} allergies={allergies.items} onRecorded={allergies.reload} /> : null}
      <EncounterTimeline section={encounters} />
      <VitalSigns section={vitals} onEnteredInError={may("Observation", "update") ? markVitalEnteredInError : undefined} />
      {may("Observation", "create") ? <RecordVitalForm patientId={patientId} onRecorded={vitals.reload} /> : null}
      <LabTable section={labs} />
      <ConditionList section={conditions} onEdit={may("Condition", "update") ? setEditing : undefined} />
      {editing?.resourceType === "Condition" ? editor : null}
      <MedicationList section={medications} />
      <DocumentList section={documents} />
    </div>
  );
}
