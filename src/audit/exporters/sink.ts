import type { RecordedAuditEntry } from "../entry.js";

/** A destination of the SIEM export (a file, stdout, a syslog receiver). */
export interface AuditSink {
  /** Names the sink's cursor and its advisory lock, e.g. `file` or `syslog`. */
  readonly name: string;
  /**
   * Delivers entries in order and resolves once every one is acknowledged.
   * @throws {SinkError} saying how many leading entries were acknowledged before the failure.
   */
  send(entries: readonly RecordedAuditEntry[]): Promise<void>;
  /**
   * For sinks whose acknowledgement only means the bytes left this process (a TCP write callback, not the
   * receiver's receipt): after a failure, the exporter sends this many already-acknowledged entries again, so a
   * receiver that died with unread data still gets them. Receivers de-duplicate by seq.
   */
  readonly resendAfterFailure?: number;
  /** Lets a write in progress finish (briefly), then releases the file or connection; later sends fail. */
  close(): Promise<void>;
}

/** A failed delivery: the first `acknowledged` entries of the page are safely out, the rest are not. */
export class SinkError extends Error {
  readonly acknowledged: number;
  constructor(message: string, acknowledged: number, options?: { cause?: unknown }) {
    super(message, options);
    this.acknowledged = acknowledged;
    this.name = "SinkError";
  }
}
