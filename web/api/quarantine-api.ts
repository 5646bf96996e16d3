import type { QuarantineItemView } from "../../shared/api/index.js";
import { request } from "./http.js";

/** Refused uploads (metadata only), newest first; the security officer's policy decides. */
export async function fetchQuarantine(limit = 50): Promise<QuarantineItemView[]> {
  return (await request<{ items: QuarantineItemView[] }>(`/api/uploads/quarantine?limit=${limit}`)).items;
}
