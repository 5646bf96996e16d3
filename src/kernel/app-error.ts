import type { ErrorCode } from "./error-catalogue.js";

/**
 * The one error type domain modules throw. `code` selects the HTTP status and the user-facing text from the
 * catalogue; `detail` is for logs and must never hold medical content.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  /** FHIR element path the error concerns, e.g. `Patient.birthDate`, for OperationOutcome.issue.expression. */
  readonly expression: string[] | undefined;
  /** For a refusal that lifts by itself (429): seconds until a retry can succeed, sent as Retry-After (RFC 9110 §10.2.3). */
  readonly retryAfterSeconds: number | undefined;

  /** Shown to the user with a refusal they may need to report (e.g. `waf.blocked`), matching the audit entry. */
  readonly incidentId: string | undefined;

  constructor(code: ErrorCode, options: { detail?: string; expression?: string[]; cause?: unknown; retryAfterSeconds?: number; incidentId?: string } = {}) {
    super(code, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.detail = options.detail;
    this.expression = options.expression;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.incidentId = options.incidentId;
  }
}

/** True when `error` is an AppError, optionally of one code. */
export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
