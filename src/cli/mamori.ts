#!/usr/bin/env node
import { writeFile } from "node:fs/promises";
import { ConfigError, loadConfig, renderConfigurationDoc, type Config } from "../config/index.js";
import { migrate, openDatabase } from "../db/index.js";
import { createAudit } from "../audit/index.js";
import { createKeyring, openKms } from "../crypto/index.js";
import { systemClock } from "../kernel/index.js";
import { createMamori } from "../main.js";
import { prepareValidation } from "../fhir/validation/index.js";
import { closeOnSignals } from "../ops/shutdown.js";
import { complianceUsage, isComplianceCommand, runComplianceCommand } from "./compliance-commands.js";
import { renderErrorCatalogueDoc } from "./error-doc.js";
import { renderEndpointsDocOfFreshApp } from "./endpoints-doc.js";
import { isKeysBackupCommand, keysBackupUsage, runKeysBackupCommand } from "./keys-backup-commands.js";
import { isSupplyChainCommand, runSupplyChainCommand, supplyChainUsage } from "./supply-chain-commands.js";
import { isOidcCommand, oidcUsage, runOidcCommand } from "./oidc-commands.js";
import { generateUsage, isGenerateCommand, runGenerateCommand } from "./generate-command.js";

const usage = `mamori — medical records service

Usage:
  mamori start          run the HTTPS service (embedded defaults, or the environment's settings)
  mamori audit verify   check the audit trail's hash chain; exit 1 when it is broken
  mamori docs           regenerate docs/configuration.md, docs/errors.md and docs/endpoints.md
${keysBackupUsage}${supplyChainUsage}${complianceUsage}${oidcUsage}${generateUsage}`;

async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  if (command === "docs") return writeDocs();
  if (command !== "start" && !(command === "audit" && sub === "verify") && !isKeysBackupCommand(command) && !isSupplyChainCommand(command) && !isComplianceCommand(command) && !isOidcCommand(command, sub) && !isGenerateCommand(command)) {
    process.stderr.write(usage);
    return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
  let config: Readonly<Config>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee docs/configuration.md.\n`);
      return 2;
    }
    throw error;
  }
  if (isKeysBackupCommand(command)) return runKeysBackupCommand(config, argv);
  if (isSupplyChainCommand(command)) return runSupplyChainCommand(config, argv);
  if (isComplianceCommand(command)) return runComplianceCommand(config, argv);
  if (isOidcCommand(command, sub)) return runOidcCommand(config);
  if (isGenerateCommand(command)) return runGenerateCommand(config, argv);
  return command === "start" ? start(config) : verifyAudit(config);
}

async function start(config: Readonly<Config>): Promise<number> {
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

async function verifyAudit(config: Readonly<Config>): Promise<number> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const keyring = await createKeyring({ db, kms: await openKms(config), clock: systemClock });
    const audit = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: config.audit.checkpoints });
    const startedAt = performance.now();
    const interactive = process.stderr.isTTY;
    const report = await audit.verify((checked, total) => {
      const line = `verifying audit trail: ${checked} / ${total} entries`;
      process.stderr.write(interactive ? `\r${line}` : `${line}\n`);
    });
    if (interactive) process.stderr.write("\n");
    const seconds = (performance.now() - startedAt) / 1000;
    const rate = Math.round(report.checked / Math.max(seconds, 0.001));
    if (report.intact) {
      process.stdout.write(
        `audit trail intact: ${report.checked} entries, last sequence ${report.lastSeq}, ${report.checkpoints} signed checkpoints, verified in ${seconds.toFixed(2)} s (${rate} entries/s)\n`,
      );
      return 0;
    }
    if (report.firstBroken) {
      process.stdout.write(`audit trail BROKEN at entry ${report.firstBroken.seq}: ${report.firstBroken.problem} (${report.checked} entries before it verified)\n`);
    }
    for (const problem of report.checkpointProblems) {
      process.stdout.write(`checkpoint ${problem.seq}${problem.file ? ` (${problem.file})` : ""}: ${problem.problem}\n`);
    }
    return 1;
  } finally {
    await db.close();
  }
}

async function writeDocs(): Promise<number> {
  await writeFile("docs/configuration.md", renderConfigurationDoc());
  await writeFile("docs/errors.md", renderErrorCatalogueDoc());
  await writeFile("docs/endpoints.md", await renderEndpointsDocOfFreshApp());
  process.stdout.write("wrote docs/configuration.md, docs/errors.md and docs/endpoints.md\n");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mamori: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
