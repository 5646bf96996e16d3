import { readFile } from "node:fs/promises";

/**
 * The PostgreSQL version built into the embedded database (PGlite), read from its WebAssembly binary, which carries
 * PostgreSQL's version string ("PostgreSQL 18.6 (PGlite 0.5.16) on wasm32…"). It is what `show server_version`
 * answers once PGlite runs, found without starting one: `mamori eol` on the embedded database then needs no scratch
 * instance (seconds of initdb) and leaves the data folder, which a running service holds, alone. Undefined when a
 * PGlite build lays its files out otherwise; the caller then asks a running instance.
 */
export async function embeddedServerVersion(): Promise<string | undefined> {
  try {
    const binary = await readFile(new URL("pglite.wasm", import.meta.resolve("@electric-sql/pglite")));
    return /PostgreSQL (\d+\.\d+) \(PGlite /.exec(binary.toString("latin1"))?.[1];
  } catch {
    return undefined;
  }
}
