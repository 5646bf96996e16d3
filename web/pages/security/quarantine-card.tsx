import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { QuarantineItemView } from "../../../shared/api/index.js";
import { fetchQuarantine } from "../../api/quarantine-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { DataTable } from "../../components/data-table.js";

/** The security officer's view of refused uploads (ファイル無害化): why each was refused, never its content. */
export function QuarantineCard() {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<QuarantineItemView[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    fetchQuarantine().then(setItems, setError);
  }, []);

  return (
    <section className="card" aria-labelledby="quarantine-heading">
      <h2 id="quarantine-heading">{t("quarantine.heading")}</h2>
      <ErrorMessage error={error} />
      {items && items.length === 0 ? <p>{t("quarantine.empty")}</p> : null}
      {items && items.length > 0 ? (
        <DataTable testId="quarantine" columns={[t("quarantine.at"), t("quarantine.reason"), t("quarantine.declared"), t("quarantine.detected"), t("quarantine.size"), t("quarantine.uploader")]}>
          {items.map((item) => (
            <tr key={item.id}>
              <td>{new Date(item.createdAt).toLocaleString(i18n.language)}</td>
              <td>
                <code>{item.reasonCode}</code>
              </td>
              <td>{item.declaredType}</td>
              <td>{item.detectedType ?? "—"}</td>
              <td>{item.size.toLocaleString(i18n.language)}</td>
              <td className="identifier">{item.uploaderId}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
