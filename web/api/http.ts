import type { ApiError } from "../../shared/api/index.js";
import { currentLanguage } from "../i18n/index.js";
import { emitRequestEvent } from "./activity.js";
import { RequestError } from "./request-error.js";

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  body?: unknown;
  contentType?: string;
  /** False for session reads and logout, which must not be mistaken for user activity or a lost session. */
  reportsEvents?: boolean;
  /** Extra request headers, e.g. If-Match for a FHIR update. */
  headers?: Record<string, string>;
  /** A body sent as is (form data, file bytes) instead of JSON; needs `contentType`. */
  rawBody?: BodyInit;
}

/**
 * Sends a same-origin request with the session cookie and returns the parsed JSON body (undefined for 204).
 * @throws RequestError on a non-2xx status or a network failure.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: "application/json, application/fhir+json",
    "Accept-Language": currentLanguage(),
  };
  if (options.body !== undefined || options.rawBody !== undefined) headers["Content-Type"] = options.contentType ?? "application/json";
  Object.assign(headers, options.headers);
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? "GET",
      headers,
      body: options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body)),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new RequestError("network", 0, "");
  }
  if (!response.ok) {
    const error = await readError(response);
    if (error.isUnauthenticated && options.reportsEvents !== false) emitRequestEvent({ kind: "unauthenticated" });
    throw error;
  }
  if (options.reportsEvents !== false) emitRequestEvent({ kind: "activity" });
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * Fetches a file (e.g. a CSV export) as a Blob with the session cookie, so a refusal comes back as a
 * RequestError the page can act on, instead of a failed download.
 * @throws RequestError on a non-2xx status or a network failure.
 */
export async function requestBlob(path: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { "Accept-Language": currentLanguage() }, credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new RequestError("network", 0, "");
  }
  if (!response.ok) throw await readError(response);
  emitRequestEvent({ kind: "activity" });
  return response.blob();
}

async function readError(response: Response): Promise<RequestError> {
  const body: unknown = await response.json().catch(() => undefined);
  if (isApiError(body)) return new RequestError("api", response.status, body.message, body.code, body.incidentId);
  const diagnostics = operationOutcomeText(body);
  if (diagnostics !== undefined) return new RequestError("fhir", response.status, diagnostics);
  return new RequestError("unexpected", response.status, "");
}

function isApiError(body: unknown): body is ApiError {
  if (typeof body !== "object" || body === null) return false;
  const candidate = body as Record<string, unknown>;
  return typeof candidate["code"] === "string" && typeof candidate["message"] === "string";
}

/** The first issue's diagnostics (or details.text) of a FHIR OperationOutcome. */
function operationOutcomeText(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const outcome = body as { resourceType?: unknown; issue?: Array<{ diagnostics?: unknown; details?: { text?: unknown } }> };
  if (outcome.resourceType !== "OperationOutcome") return undefined;
  const issue = outcome.issue?.[0];
  const text = issue?.diagnostics ?? issue?.details?.text;
  return typeof text === "string" ? text : undefined;
}
