import type { OauthClientRegistration, OauthClientView } from "../../shared/api/index.js";
import { request } from "./http.js";

/** Registered OAuth clients (administrators; `manage_oauth_clients`). */
export async function fetchOauthClients(): Promise<OauthClientView[]> {
  return (await request<{ clients: OauthClientView[] }>("/api/admin/oauth-clients")).clients;
}

/** Registers a client; the answer carries a confidential client's secret, shown this once. */
export function registerOauthClient(body: OauthClientRegistration): Promise<{ client: OauthClientView; clientSecret?: string }> {
  return request("/api/admin/oauth-clients", { method: "POST", body });
}

/** Disables a client at once: its tokens stop working. */
export function disableOauthClient(clientId: string): Promise<void> {
  return request<void>(`/api/admin/oauth-clients/${encodeURIComponent(clientId)}/disable`, { method: "POST" });
}
