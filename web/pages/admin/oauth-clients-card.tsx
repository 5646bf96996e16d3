import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { OauthClientView } from "../../../shared/api/index.js";
import { disableOauthClient, fetchOauthClients, registerOauthClient } from "../../api/oauth-clients-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { TextField } from "../../components/text-field.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { useSubmit } from "../../components/use-submit.js";

const words = (value: string) => value.split(/\s+/).filter(Boolean);
const noClients: OauthClientView[] = [];

/** OAuth / SMART client applications: register (the secret is shown once), list, disable. */
export function OauthClientsCard() {
  const { t } = useTranslation();
  const { value: clients = noClients, error: loadError, reload } = useReloadable(fetchOauthClients);
  const [name, setName] = useState("");
  const [redirectUri, setRedirectUri] = useState("");
  const [scopes, setScopes] = useState("openid offline_access launch/patient patient/*.rs");
  const [isConfidential, setConfidential] = useState(true);
  const [isFirstParty, setFirstParty] = useState(false);
  const [registered, setRegistered] = useState<{ clientId: string; clientSecret?: string } | undefined>(undefined);

  const submit = useSubmit(async () => {
    setRegistered(undefined);
    const answer = await registerOauthClient({ name, redirectUris: words(redirectUri), postLogoutRedirectUris: [], scopes: words(scopes), isConfidential, isFirstParty });
    setRegistered({ clientId: answer.client.clientId, ...(answer.clientSecret ? { clientSecret: answer.clientSecret } : {}) });
    await reload();
  });
  const [disableError, setDisableError] = useState<unknown>(undefined);
  const disable = (clientId: string) => {
    setDisableError(undefined);
    disableOauthClient(clientId).then(reload, setDisableError);
  };

  return (
    <section className="card" aria-labelledby="oauth-clients-heading" data-testid="oauth-clients">
      <h2 id="oauth-clients-heading">{t("oauthClients.heading")}</h2>
      <form onSubmit={submit.onSubmit}>
        <TextField id="oauth-client-name" label={t("oauthClients.name")} required value={name} onValueChange={setName} />
        <TextField id="oauth-client-redirect" label={t("oauthClients.redirectUris")} hint={t("oauthClients.redirectHint")} required value={redirectUri} onValueChange={setRedirectUri} />
        <TextField id="oauth-client-scopes" label={t("oauthClients.scopes")} required value={scopes} onValueChange={setScopes} />
        <label className="checkbox">
          <input type="checkbox" data-testid="oauth-client-confidential" checked={isConfidential} onChange={(event) => setConfidential(event.target.checked)} />
          {t("oauthClients.confidential")}
        </label>
        <label className="checkbox">
          <input type="checkbox" data-testid="oauth-client-first-party" checked={isFirstParty} onChange={(event) => setFirstParty(event.target.checked)} />
          {t("oauthClients.firstParty")}
        </label>
        <ErrorMessage error={submit.error} />
        <button type="submit" data-testid="oauth-client-submit" disabled={submit.isBusy}>
          {t("oauthClients.submit")}
        </button>
      </form>
      {registered ? (
        <div className="notice" role="status" data-testid="oauth-client-registered">
          <p>
            {t("oauthClients.clientId")}: <code>{registered.clientId}</code>
          </p>
          {registered.clientSecret ? (
            <p>
              {t("oauthClients.secretOnce")}: <code data-testid="oauth-client-secret">{registered.clientSecret}</code>
            </p>
          ) : null}
        </div>
      ) : null}
      <ErrorMessage error={loadError ?? disableError} />
      <table>
        <thead>
          <tr>
            <th>{t("oauthClients.name")}</th>
            <th>{t("oauthClients.clientId")}</th>
            <th>{t("oauthClients.status")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {clients.map((client) => (
            <tr key={client.clientId}>
              <td>{client.name}</td>
              <td>
                <code>{client.clientId}</code>
              </td>
              <td>{t(client.status === "active" ? "oauthClients.active" : "oauthClients.disabled")}</td>
              <td>
                {client.status === "active" ? (
                  <button type="button" className="secondary" data-testid={`oauth-client-disable-${client.clientId}`} onClick={() => disable(client.clientId)}>
                    {t("oauthClients.disable")}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
