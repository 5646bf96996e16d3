import type { Config } from "../config/index.js";
import { prepareValidation } from "../fhir/validation/index.js";
import { createLogger } from "../main.js";
import { closeOnSignals } from "../ops/shutdown.js";
import { startService, untilDatabaseAnswers } from "../ops/start-service.js";

/** `mamori start`: the HTTPS service, until a signal stops it. */
export async function runStart(config: Readonly<Config>): Promise<number> {
  const startedAt = performance.now();
  const logger = createLogger(config);
  const mamori = await startService(config, {
    logger,
    onHolding: () => process.stdout.write(`\nThe database cannot be reached: ${config.publicUrl.origin} answers 503 until it can; trying again.\n`),
  });
  const link = await untilDatabaseAnswers(() => mamori.issueSetupLink(), logger);
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  process.stdout.write(`\nMamori is serving ${config.publicUrl.origin} (TLS 1.2+${mamori.tls.selfSigned ? ", self-signed certificate" : ""}) — ready in ${seconds} s\n`);
  if (link) {
    // Printed to the terminal only, never to the log: the link is a credential until it is used.
    process.stdout.write(
      `\nNo administrator exists yet. Open this one-time link within ${Math.round((link.expiresAt.getTime() - Date.now()) / 60_000)} minutes to create the first one:\n\n  ${link.url}\n\n`,
    );
  }
  closeOnSignals(mamori, (line) => process.stdout.write(line));
  // The FHIR definitions and schemas (a few seconds of compiling) load once the link is out, not before it: the
  // first write no longer pays for them, and the first start does not wait for them either.
  setImmediate(prepareValidation);
  return new Promise<number>(() => {});
}
