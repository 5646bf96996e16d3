import type { Config } from "../config/index.js";
import { complianceUsage, generateUsage, keysBackupUsage, oidcUsage, supplyChainUsage } from "./usage.js";

/**
 * Every command of `mamori`: its usage lines, which argv it takes, and its implementation, loaded only when it runs.
 * A command imports what it needs and no more, so `mamori eol` does not load the web server, the identity provider
 * or the FHIR definitions that `mamori start` needs.
 */
export interface CliCommand {
  usage: string;
  matches(command: string | undefined, sub: string | undefined): boolean;
  /** Whether the command reads the settings (MAMORI_*, DATABASE_URL); `docs` does not. */
  needsConfig: boolean;
  run(config: Readonly<Config>, argv: string[]): Promise<number>;
}

export const commands: readonly CliCommand[] = [
  {
    usage: `  mamori start          run the HTTPS service (embedded defaults, or the environment's settings)\n`,
    matches: (command) => command === "start",
    needsConfig: true,
    run: async (config) => (await import("./start-command.js")).runStart(config),
  },
  {
    usage: `  mamori audit verify   check the audit trail's hash chain; exit 1 when it is broken\n`,
    matches: (command, sub) => command === "audit" && sub === "verify",
    needsConfig: true,
    run: async (config) => (await import("./audit-verify-command.js")).runAuditVerify(config),
  },
  {
    usage: `  mamori docs           regenerate docs/configuration.md, docs/errors.md and docs/endpoints.md\n`,
    matches: (command) => command === "docs",
    needsConfig: false,
    run: async () => (await import("./docs-command.js")).runDocs(),
  },
  {
    usage: keysBackupUsage,
    matches: (command) => command === "keys" || command === "backup" || command === "restore",
    needsConfig: true,
    run: async (config, argv) => (await import("./keys-backup-commands.js")).runKeysBackupCommand(config, argv),
  },
  {
    usage: supplyChainUsage,
    matches: (command) => command === "sbom" || command === "eol",
    needsConfig: true,
    run: async (config, argv) => (await import("./supply-chain-commands.js")).runSupplyChainCommand(config, argv),
  },
  {
    usage: complianceUsage,
    matches: (command) => command === "compliance",
    needsConfig: true,
    run: async (config, argv) => (await import("./compliance-commands.js")).runComplianceCommand(config, argv),
  },
  {
    usage: oidcUsage,
    matches: (command, sub) => command === "oidc" && sub === "rotate-keys",
    needsConfig: true,
    run: async (config) => (await import("./oidc-commands.js")).runOidcCommand(config),
  },
  {
    usage: `  mamori supply-chain audit [--output FILE]  audit the runtime dependencies (npm audit, high and critical) and record the dated result VUL-1 reads; exit 3 when nothing could be audited\n`,
    matches: (command, sub) => command === "supply-chain" && sub === "audit",
    needsConfig: true,
    run: async (config, argv) => (await import("./dependency-audit-command.js")).runDependencyAuditCommand(config, argv),
  },
  {
    usage: generateUsage,
    matches: (command) => command === "generate",
    needsConfig: true,
    run: async (config, argv) => (await import("./generate-command.js")).runGenerateCommand(config, argv),
  },
];
