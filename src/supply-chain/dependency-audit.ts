import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { projectRoot } from "./sbom.js";

/**
 * The result `.ci/npm-audit.mjs --record` writes when the registry's audit service answered: when, of which lock file,
 * and the high and critical advisories it found, allowed and refused. No file means no audit was had.
 */
const recordedAuditSchema = z.object({
  format: z.literal("mamori-dependency-audit"),
  version: z.literal(1),
  auditedAt: z.iso.datetime(),
  lockfileSha256: z.string().regex(/^[0-9a-f]{64}$/),
  advisories: z.number().int().min(0),
  allowed: z.number().int().min(0),
  refused: z.array(z.string()),
});

export interface DependencyAuditResult {
  auditedAt: Date;
  lockfileSha256: string;
  advisories: number;
  allowed: number;
  refused: string[];
}

/**
 * Reads the recorded dependency audit result; undefined when none has been recorded.
 * @throws {Error} when the file is not a recorded audit result.
 */
export async function readDependencyAudit(file: string): Promise<DependencyAuditResult | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = recordedAuditSchema.parse(JSON.parse(text));
  return { auditedAt: new Date(parsed.auditedAt), lockfileSha256: parsed.lockfileSha256, advisories: parsed.advisories, allowed: parsed.allowed, refused: parsed.refused };
}

/** SHA-256 of the installed tree's package-lock.json, which an audit result must match; undefined without one. */
export async function installedLockfileSha256(root = projectRoot): Promise<string | undefined> {
  const lock = await readFile(path.join(root, "package-lock.json")).catch(() => undefined);
  return lock && createHash("sha256").update(lock).digest("hex");
}

/** Where the audit gate script sits in the installed tree (absent from trees installed without the repository's .ci). */
export const dependencyAuditScript = path.join(projectRoot, ".ci", "npm-audit.mjs");
