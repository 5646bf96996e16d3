import { useTranslation } from "react-i18next";
import { RequestError } from "../api/request-error.js";

/**
 * Shows why something failed: the server's own message (ApiError.message or OperationOutcome diagnostics)
 * when it sent one, else a generic text in the UI language.
 */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error === undefined || error === null) return null;
  let text: string = t("errors.unexpected");
  let code: string | undefined;
  let incidentId: string | undefined;
  if (error instanceof RequestError) {
    if (error.kind === "network") text = t("errors.network");
    else if (error.message) text = error.message;
    code = error.code;
    incidentId = error.incidentId;
  } else if (typeof error === "string") {
    text = error;
  }
  return (
    <div className="error" role="alert" data-testid="error-message">
      <p>{text}</p>
      {code || incidentId ? <p className="error-code">{[code, incidentId].filter(Boolean).join(" · ")}</p> : null}
    </div>
  );
}
