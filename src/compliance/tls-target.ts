import type { Config } from "../config/index.js";

/** Where the compliance TLS probe connects: the listening address, or loopback when listening on every address. */
export function complianceTlsTarget(config: Pick<Config, "host" | "port">): { host: string; port: number } {
  return { host: config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host, port: config.port };
}
