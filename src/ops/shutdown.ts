/**
 * Stops the service on SIGTERM (orchestrators, ECS, systemd) or SIGINT (Ctrl-C): `close` turns readiness to 503,
 * drains the requests in flight, flushes the audit trail, stops the background loops and closes the database;
 * then the process exits 0 (1 when a step failed). A second signal while closing exits at once with 1.
 */
export function closeOnSignals(service: { close(): Promise<void> }, say: (line: string) => void): void {
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) {
      say(`${signal} again: exiting without finishing\n`);
      process.exit(1);
    }
    closing = true;
    say(`\n${signal}: finishing requests in flight and flushing the audit trail…\n`);
    try {
      await service.close();
      say("stopped cleanly\n");
      process.exit(0);
    } catch (error) {
      say(`shutdown failed: ${error instanceof Error ? error.name : typeof error}\n`);
      process.exit(1);
    }
  };
  process.on("SIGINT", (signal) => void shutdown(signal));
  process.on("SIGTERM", (signal) => void shutdown(signal));
}
