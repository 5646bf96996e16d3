/** Where a failure came from: an ApiError body, a FHIR OperationOutcome, no answer, or an unreadable answer. */
export type RequestErrorKind = "api" | "fhir" | "network" | "unexpected";

/**
 * A failed request, with the server's own text when it sent one: ApiError.message for /api, the first
 * OperationOutcome issue's diagnostics for /fhir. `code` is the ApiError code (`module.snake_case`).
 */
export class RequestError extends Error {
  constructor(
    readonly kind: RequestErrorKind,
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly incidentId?: string,
  ) {
    super(message);
    this.name = "RequestError";
  }

  /** True when the server says the session is missing or expired (not when it only asks for a fresh factor). */
  get isUnauthenticated(): boolean {
    return this.status === 401 && !this.isStepUpRequired;
  }

  /** True when a privileged action needs the second factor verified again first. */
  get isStepUpRequired(): boolean {
    return this.code === "session.step_up_required";
  }
}
