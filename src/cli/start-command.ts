import type { Config } from "../config/index.js";
import { prepareValidation } from "../fhir/validation/index.js";
import { createMamori } from "../main.js";
import { closeOnSignals } from "../ops/shutdown.js";

/** `mamori start`: the HTTPS service, until a signal stops it. */
export async function runStart(config: Readonly<Config>): Promise<number> {
  const startedAt = performance.now();
  const mamori = await createMamori(config);
  // Before the first request, so the first FHIR write does not wait for the definitions to load.
  prepareValidation();
  await mamori.app.listen({ host: config.host, port: config.port });
  const link = await mamori.issueSetupLink();
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  process.stdout.write(`\nMamori is serving ${config.publicUrl.origin} (TLS 1.2+${mamori.tls.selfSigned ? ", self-signed certificate" : ""}) — ready in ${seconds} s\n`);
  if (link) {
    // Printed to the terminal only, never to the log: the link is a credential until it is used.
    process.stdout.write(
      `\nNo administrator exists yet. Open this one-time link within ${Math.round((link.expiresAt.getTime() - Date.now()) / 60_000)} minutes to create the first one:\n\n  ${link.url}\n\n`,
    );
  }
  closeOnSignals(mamori, (line) => process.stdout.write(line));
  return new Promise<number>(() => {});
}
