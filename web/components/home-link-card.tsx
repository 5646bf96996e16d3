import { useTranslation } from "react-i18next";
import { Link } from "./link.js";

/** The i18n sections that describe an area reachable from the home page: each has heading, homeText and open. */
export type HomeArea = "accounts" | "review" | "audit" | "incidents" | "compliance" | "ids" | "breakGlass";

/** The home page's way in to one area: its heading, a sentence on what it is for, and the link. */
export function HomeLinkCard({ area, to, testId }: { area: HomeArea; to: string; testId: string }) {
  const { t } = useTranslation();
  const headingId = `${area}-card-heading`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t(`${area}.heading`)}</h2>
      <p>{t(`${area}.homeText`)}</p>
      <Link to={to} className="button-link" testId={testId}>
        {t(`${area}.open`)}
      </Link>
    </section>
  );
}
