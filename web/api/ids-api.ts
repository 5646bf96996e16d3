import type { IdsAlertView, IdsRestrictionView } from "../../shared/api/index.js";
import { request } from "./http.js";

/** The intrusion detection queue, newest first; the server's policy (manage_ids) decides who may see it. */
export async function fetchAlerts(state?: IdsAlertView["state"]): Promise<IdsAlertView[]> {
  return (await request<{ alerts: IdsAlertView[] }>(`/api/security/alerts${state ? `?state=${state}` : ""}`)).alerts;
}

export function changeAlertState(id: string, state: "acknowledged" | "closed", note: string): Promise<IdsAlertView> {
  return request<IdsAlertView>(`/api/security/alerts/${encodeURIComponent(id)}/state`, { method: "POST", body: { state, note } });
}

export async function fetchRestrictions(): Promise<IdsRestrictionView[]> {
  return (await request<{ restrictions: IdsRestrictionView[] }>("/api/security/restrictions")).restrictions;
}

export async function liftRestriction(id: string): Promise<void> {
  await request<undefined>(`/api/security/restrictions/${encodeURIComponent(id)}/lift`, { method: "POST" });
}
