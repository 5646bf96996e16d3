import type { AnyResource, Bundle } from "./fhir-clinical-types.js";
import { request } from "./http.js";

/** The FHIR R4 base path; every call goes through the same session cookie and same-origin check. */
const base = "/fhir/R4";
const fhirJson = "application/fhir+json";
/** The most pages followed for one list, so a runaway result cannot keep the browser fetching. */
const maxPages = 20;

/**
 * Searches with POST `_search` and a form body (FHIR R4 §3.1.0.8.1), so search values such as names never appear
 * in a URL, a proxy log or the browser history. Follows `next` links (opaque `_page` tokens) up to a limit.
 * @throws RequestError when the server refuses or fails the search.
 */
export async function searchResources<T extends AnyResource>(type: T["resourceType"], params: ReadonlyArray<readonly [string, string]>): Promise<T[]> {
  const found: T[] = [];
  let bundle = await request<Bundle<T>>(`${base}/${type}/_search`, {
    method: "POST",
    rawBody: new URLSearchParams(params.map(([name, value]) => [name, value])).toString(),
    contentType: "application/x-www-form-urlencoded",
  });
  for (let page = 1; ; page += 1) {
    for (const entry of bundle.entry ?? []) {
      if (entry.resource?.resourceType === type && entry.search?.mode !== "include") found.push(entry.resource);
    }
    const next = bundle.link?.find((link) => link.relation === "next")?.url;
    if (!next || page >= maxPages) return found;
    bundle = await request<Bundle<T>>(sameOriginPath(next));
  }
}

/**
 * Reads the current version of one resource.
 * @throws RequestError (403 when the policy refuses, 404 when absent).
 */
export function readResource<T extends AnyResource>(type: T["resourceType"], id: string): Promise<T> {
  return request<T>(`${base}/${type}/${encodeURIComponent(id)}`);
}

/**
 * Creates a resource and returns it as stored (with id and meta.versionId).
 * @throws RequestError when validation or the policy refuses it.
 */
export function createResource<T extends AnyResource>(resource: T): Promise<T> {
  return request<T>(`${base}/${resource.resourceType}`, { method: "POST", body: resource, contentType: fhirJson });
}

/**
 * Updates a resource only if it is still at `versionId` (If-Match, FHIR R4 §3.1.0.5 version-aware update).
 * @throws RequestError with status 412 when someone saved a newer version meanwhile.
 */
export function updateResource<T extends AnyResource & { id?: string }>(resource: T, versionId: string): Promise<T> {
  if (!resource.id) throw new Error("an update needs the resource id");
  return request<T>(`${base}/${resource.resourceType}/${encodeURIComponent(resource.id)}`, {
    method: "PUT",
    body: resource,
    contentType: fhirJson,
    headers: { "If-Match": `W/"${versionId}"` },
  });
}

/**
 * Everything in the patient's compartment the principal may see, as one Bundle (Patient/$everything).
 * @throws RequestError when the policy refuses.
 */
export function fetchEverything(patientId: string): Promise<Bundle> {
  return request<Bundle>(`${base}/Patient/${encodeURIComponent(patientId)}/$everything`);
}

/** A `next` link is absolute (the server's public URL); fetch only its path and query on our own origin. */
function sameOriginPath(url: string): string {
  const parsed = new URL(url, window.location.origin);
  return `${parsed.pathname}${parsed.search}`;
}
