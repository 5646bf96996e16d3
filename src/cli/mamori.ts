#!/usr/bin/env node
import { ConfigError, loadConfig, type Config } from "../config/index.js";
import { commands } from "./command-table.js";

const usage = `mamori — medical records service

Usage:
${commands.map((command) => command.usage).join("")}`;

async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  const chosen = commands.find((candidate) => candidate.matches(command, sub));
  if (!chosen) {
    process.stderr.write(usage);
    return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
  if (!chosen.needsConfig) return chosen.run({} as Readonly<Config>, argv);
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
  return chosen.run(config, argv);
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
