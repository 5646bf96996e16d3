import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Database } from "../db/index.js";
import type { DetectedVersion } from "./eol.js";
import { projectRoot } from "./sbom.js";
import { createSupplyChainStore } from "./store.js";

/** The dependencies whose support status the EOL report tracks (names as in eol-data.json and npm). */
export const trackedPackages = ["fastify", "react", "kysely", "pg", "argon2", "@electric-sql/pglite", "@cedar-policy/cedar-wasm"] as const;

async function installedPackageVersion(name: string, root: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path.join(root, "node_modules", name, "package.json"), "utf8")) as { version?: string };
    return manifest.version;
  } catch {
    return undefined; // not installed (e.g. react, a dev dependency, on a --omit dev install)
  }
}

/**
 * What this installation runs: Node.js, the database server's version (`show server_version`: the PostgreSQL
 * server, or the PostgreSQL bundled in PGlite; or the version given, for the embedded one read without starting it)
 * and the installed versions of the tracked packages.
 * @throws {Error} when the database cannot be queried.
 */
export async function detectInstalledVersions(server: Pick<Database, "kysely"> | { serverVersion: string }, root = projectRoot): Promise<DetectedVersion[]> {
  const serverVersion = "serverVersion" in server ? server.serverVersion : await createSupplyChainStore(server.kysely).serverVersion();
  const detected: DetectedVersion[] = [
    { component: "Node.js", version: process.versions.node },
    { component: "PostgreSQL", version: serverVersion ?? "unknown" },
  ];
  for (const name of trackedPackages) {
    const version = await installedPackageVersion(name, root);
    if (version) detected.push({ component: name, version });
  }
  return detected;
}
