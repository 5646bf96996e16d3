import type { ErrorCode } from "../kernel/index.js";

/** The reason codes a file can be refused with; each is an error code in the catalogue. */
export type RefusalCode = Extract<ErrorCode, `uploads.${string}`>;

/**
 * Thrown by detection and the sanitisers. A plain class (not AppError) because refusals cross the worker-thread
 * boundary as a code string; the uploads module turns them into AppErrors.
 */
export class Refusal extends Error {
  readonly code: RefusalCode;
  readonly detail: string | undefined;
  constructor(code: RefusalCode, detail?: string) {
    super(code);
    this.code = code;
    this.detail = detail;
    this.name = "Refusal";
  }
}
