import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { KeyStatusResponse } from "../../../shared/api/index.js";
import { fetchKeyStatus } from "../../api/keys-api.js";
import { ErrorMessage } from "../../components/error-message.js";

/** The administrator's view of the keys: KMS kind, master key id, active KEK and its dates; never key material. */
export function KeyStatusCard() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<KeyStatusResponse | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    fetchKeyStatus().then(setStatus, setError);
  }, []);
  // Japanese style 2026年4月1日 9:00 in the browser's time zone; English keeps the same order of parts.
  const date = new Intl.DateTimeFormat(i18n.language === "ja" ? "ja-JP" : "en-CA", { dateStyle: "long", timeStyle: "short" });
  const formatDate = (iso: string | undefined) => (iso ? date.format(new Date(iso)) : t("keys.never"));
  return (
    <section className="card" aria-labelledby="keys-heading" data-testid="key-status">
      <h2 id="keys-heading">{t("keys.heading")}</h2>
      <ErrorMessage error={error} />
      {status ? (
        <dl className="facts">
          <dt>{t("keys.kmsKind")}</dt>
          <dd data-testid="key-kms-kind">{status.kmsKind}</dd>
          <dt>{t("keys.masterKeyId")}</dt>
          <dd data-testid="key-master-key-id">{status.masterKeyId}</dd>
          <dt>{t("keys.kekId")}</dt>
          <dd data-testid="key-kek-id">{status.kekId}</dd>
          <dt>{t("keys.kekCreatedAt")}</dt>
          <dd data-testid="key-kek-created-at">{formatDate(status.kekCreatedAt)}</dd>
          <dt>{t("keys.lastRotationAt")}</dt>
          <dd data-testid="key-last-rotation-at">{formatDate(status.lastRotationAt)}</dd>
          <dt>{t("keys.pendingRewrap")}</dt>
          <dd data-testid="key-pending-rewrap">{status.pendingRewrap}</dd>
        </dl>
      ) : error ? null : (
        <p>{t("app.loading")}</p>
      )}
    </section>
  );
}
