/** True for PostgreSQL's unique_violation (SQLSTATE 23505), as raised by both pg and PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

/**
 * True when the database could not be reached or dropped the connection, rather than refusing the statement:
 * connection exceptions (SQLSTATE class 08), an administrator or a restart ending the session (57P01–57P03),
 * a statement or lock timeout (57014, 55P03), the server out of resources or disk (class 53), and the socket-level
 * failures pg reports without a SQLSTATE. Such a request may succeed when retried, so it answers 503, not 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (/^(08|53)/.test(code) || ["57P01", "57P02", "57P03", "57014", "55P03"].includes(code)) return true;
    if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOSPC"].includes(code)) return true;
  }
  const message = error instanceof Error ? error.message : "";
  // pg's own wording for a connection lost or a client-side timeout; these errors carry no code.
  return /^(Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(message);
}
