import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { CareStandingResponse } from "../../../shared/api/index.js";
import { fetchCareStanding } from "../../api/care-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useDateTime } from "../../components/use-date-time.js";
import { BreakGlassRequest } from "./break-glass-dialog.js";

/**
 * Shows a clinician the chart only when in the patient's care or under an emergency grant, and says so when the
 * patient's consent closes it. Searches leave out what the caller may not see, so without this check a clinician
 * would read empty sections as "nothing recorded" (no allergies) instead of being offered emergency access. The
 * chart is given the standing, which says what the clinician may write.
 */
export function CareGate({ patientId, onAccessGranted, children }: { patientId: string; onAccessGranted(): void; children: (standing: CareStandingResponse) => ReactNode }) {
  const { t } = useTranslation();
  const formatDateTime = useDateTime();
  const [standing, setStanding] = useState<CareStandingResponse | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    let isCurrent = true;
    fetchCareStanding(patientId).then(
      (read) => isCurrent && setStanding(read),
      (failure: unknown) => isCurrent && setError(failure),
    );
    return () => {
      isCurrent = false;
    };
  }, [patientId]);

  if (error) return <ErrorMessage error={error} />;
  if (!standing) return <p role="status">{t("app.loading")}</p>;
  if (standing.isConsentRefused) return <BreakGlassRequest patientId={patientId} intro={t("breakGlass.consentRefused")} onGranted={onAccessGranted} />;
  if (standing.sources.length === 0 && !standing.breakGlassExpiresAt) return <BreakGlassRequest patientId={patientId} onGranted={onAccessGranted} />;
  return (
    <>
      {standing.breakGlassExpiresAt ? (
        <p className="card hint" role="status" data-testid="break-glass-active">
          {t("breakGlass.activeUntil", { time: formatDateTime(Date.parse(standing.breakGlassExpiresAt)) })}
        </p>
      ) : null}
      {children(standing)}
    </>
  );
}
