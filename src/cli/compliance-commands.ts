import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createAccess } from "../access/index.js";
import type { AuditEntry } from "../audit/index.js";
import { complianceTlsTarget, createCompliance, type ReportFormat } from "../compliance/index.js";
import type { Config } from "../config/index.js";
import { refreshTokenPolicy } from "../identity/index.js";
import { systemClock } from "../kernel/index.js";
import { withServices } from "./with-services.js";
import { complianceUsage } from "./usage.js";

const operator = { actor: { roles: ["operator"] }, network: { ip: "local", userAgent: "mamori-cli" } } satisfies Pick<AuditEntry, "actor" | "network">;


/**
 * Runs the checks against the configured database and the running server's TLS port (checks that cannot reach
 * something report unknown), writes the document and records `compliance.report` in the audit trail.
 */
export async function runComplianceCommand(config: Readonly<Config>, argv: string[]): Promise<number> {
  const kind = argv[1];
  const { values } = parseArgs({ args: argv.slice(2), options: { format: { type: "string", default: "json" }, out: { type: "string" } }, strict: true });
  if ((kind !== "report" && kind !== "disclosure") || !["json", "html", "pdf"].includes(values.format) || !values.out) {
    process.stderr.write(complianceUsage);
    return 2;
  }
  const out = values.out;
  return withServices(config, async ({ db, keyring, audit }) => {
    const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
    const compliance = await createCompliance({ db, config, clock: systemClock, audit, keyring, access: await createAccess({ networks: config.networks }), version, tlsTarget: complianceTlsTarget(config), refreshTokenPolicy });
    const report = await compliance.generate();
    const rendered = await compliance.renderReport(report, kind, values.format as ReportFormat);
    await audit.record({ ...operator, action: "compliance.report", outcome: "success", reasonCode: "compliance.generated", resource: { type: kind === "report" ? "ComplianceReport" : "ServiceDisclosure" } });
    await writeFile(out, rendered.body, { mode: 0o600 });
    const all = report.summary.all;
    process.stdout.write(`${kind} written to ${out}: ${report.controls.length} controls — met ${all.met}, partial ${all.partial}, not met ${all.not_met}, not yet checked ${all.unknown}\n`);
    return 0;
  });
}
