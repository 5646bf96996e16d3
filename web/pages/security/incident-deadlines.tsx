import { useTranslation } from "react-i18next";
import type { IncidentSummary } from "../../../shared/api/index.js";

/** The PPC reporting deadlines of an incident with the days left; overdue ones stand out. */
export function DeadlineList({ deadlines }: { deadlines: IncidentSummary["deadlines"] }) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="plain-list">
      {deadlines.map((deadline) => (
        <li key={deadline.kind} className={deadline.daysRemaining < 0 ? "overdue" : undefined} title={deadline.legalBasis}>
          {t(`incidents.deadline_${deadline.kind}`)}: {new Date(deadline.due).toLocaleDateString(i18n.language)}{" "}
          {deadline.daysRemaining < 0 ? t("incidents.overdue", { count: -deadline.daysRemaining }) : t("incidents.daysRemaining", { count: deadline.daysRemaining })}
        </li>
      ))}
    </ul>
  );
}
