import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cedar } from "./cedar-runtime.js";

const policiesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "policies");

export interface LoadedPolicy {
  id: string;
  file: string;
  text: string;
  annotations: Record<string, string>;
}

/**
 * Reads every `.cedar` file in policies/, gives each policy its `@id` annotation as id, and checks it parses.
 * @throws {Error} on a syntax error, a missing or duplicate `@id`.
 */
export async function loadPolicies(): Promise<LoadedPolicy[]> {
  const files = (await readdir(policiesDir)).filter((name) => name.endsWith(".cedar")).sort();
  const policies: LoadedPolicy[] = [];
  for (const file of files) {
    const parts = cedar.policySetTextToParts(await readFile(path.join(policiesDir, file), "utf8"));
    if (parts.type === "failure") throw new Error(`${file}: ${parts.errors.map((error) => error.message).join("; ")}`);
    for (const text of parts.policies) {
      const annotations = Object.fromEntries([...text.matchAll(/@(\w+)\("([^"]*)"\)/g)].map((match) => [match[1]!, match[2]!]));
      const id = annotations["id"];
      if (!id) throw new Error(`${file}: every policy needs an @id("...") annotation`);
      if (policies.some((policy) => policy.id === id)) throw new Error(`${file}: duplicate policy id ${id}`);
      policies.push({ id, file, text, annotations });
    }
  }
  return policies;
}
