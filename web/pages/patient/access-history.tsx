import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccessHistoryItem } from "../../../shared/api/index.js";
import { accessProofUrl, fetchAccessHistory } from "../../api/patient-portal-api.js";
import { ErrorMessage } from "../../components/error-message.js";

const knownRoles = new Set(["admin", "doctor", "nurse", "pharmacist", "clerk", "security_officer", "patient"]);


const purposeKeys = {
  treatment: "portal.purposeTreatment",
  emergency: "portal.purposeEmergency",
  self: "portal.purposeSelf",
  other: "portal.purposeOther",
} as const satisfies Record<AccessHistoryItem["purpose"], string>;

/** "Who viewed my record": the patient's access history as a table, with paging. */
export function AccessHistory() {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<AccessHistoryItem[]>([]);
  const [nextCursor, setNextCursor] = useState<number | undefined>(undefined);
  const [isLoaded, setIsLoaded] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function load(before?: number): Promise<void> {
    try {
      const page = await fetchAccessHistory(before);
      setItems((previous) => (before ? [...previous, ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      setIsLoaded(true);
    } catch (failure) {
      setError(failure);
    }
  }

  useEffect(() => {
    void load();
  }, []);

  const showsStaffNames = items.some((item) => item.staffName !== undefined);
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">{t("portal.historyHeading")}</h2>
      <p className="hint">{t("portal.historyIntro")}</p>
      <p className="hint">
        {t("portal.proofIntro")} <a href="/verify-audit-proof.mjs">{t("portal.verifierLink")}</a> ·{" "}
        <a href="/.well-known/mamori-audit-keys">{t("portal.keysLink")}</a>
      </p>
      <ErrorMessage error={error} />
      {isLoaded && items.length === 0 ? <p>{t("portal.empty")}</p> : null}
      {items.length > 0 ? (
        <table className="data-table" data-testid="access-history">
          <thead>
            <tr>
              <th scope="col">{t("portal.at")}</th>
              <th scope="col">{t("portal.kind")}</th>
              <th scope="col">{t("portal.organisation")}</th>
              <th scope="col">{t("portal.role")}</th>
              <th scope="col">{t("portal.purpose")}</th>
              {showsStaffNames ? <th scope="col">{t("portal.staffName")}</th> : null}
              <th scope="col">{t("portal.proof")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.seq}>
                <td>{new Date(item.at).toLocaleString(i18n.language)}</td>
                <td data-testid="access-action">{item.kind === "refused" ? t("portal.refusedAction", { action: t(`portalAction.${item.action}`) }) : t(`portalAction.${item.action}`)}</td>
                <td>{item.organisation}</td>
                <td>{t(`roles.${knownRoles.has(item.role) ? (item.role as "doctor") : "unknown"}`)}</td>
                <td>{t(purposeKeys[item.purpose])}</td>
                {showsStaffNames ? <td>{item.staffName ?? ""}</td> : null}
                <td>
                  {/* A plain link: the session cookie authenticates it and the answer is a JSON file to keep. */}
                  <a href={accessProofUrl(item.seq)} download>
                    {t("portal.downloadProof")}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {nextCursor ? (
        <button type="button" onClick={() => void load(nextCursor)}>
          {t("portal.more")}
        </button>
      ) : null}
    </section>
  );
}
