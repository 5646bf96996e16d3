import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { z } from "zod";

const bilingual = z.object({ ja: z.string().min(1), en: z.string().min(1) }).strict();

/** Chapters of the サービス仕様適合開示書 (PROV 表4-1, grouped as providers' disclosures commonly are). */
export const disclosureChapters = ["organisational", "physical", "technical", "human", "agreement"] as const;
export type DisclosureChapter = (typeof disclosureChapters)[number];

export const controlSchema = z
  .object({
    id: z.string().regex(/^[A-Z]+-\d+$/),
    source: z.enum(["MHLW", "PROV", "CHK", "PHR", "JIS"]),
    section: z.string().min(1),
    kind: z.enum(["technical", "operational", "organisational"]),
    /** A security officer's signed, unexpired attestation is part of the proof. */
    attestation: z.boolean().default(false),
    requirement: bilingual,
    meetsBy: z.object({ module: z.string().min(1), doc: z.string().min(1), ja: z.string().min(1), en: z.string().min(1) }).strict(),
    checks: z.array(z.string().regex(/^[a-z_]+\.[a-z_]+$/)),
    disclosure: z.enum(disclosureChapters),
  })
  .strict()
  // Operational and organisational controls can only be proven by attestation.
  .refine((control) => control.kind === "technical" || control.attestation, { message: "operational and organisational controls need attestation: true" })
  .refine((control) => control.checks.length > 0 || control.attestation, { message: "a control needs a check or an attestation" });

export type Control = z.infer<typeof controlSchema>;

const catalogueSchema = z
  .object({ controls: z.array(controlSchema).min(1) })
  .strict()
  .refine((catalogue) => new Set(catalogue.controls.map((control) => control.id)).size === catalogue.controls.length, { message: "duplicate control id" });

const cataloguePath = new URL("./catalogue.yaml", import.meta.url);

/**
 * Reads and validates the control catalogue (catalogue.yaml beside this file).
 * @throws {Error} naming each invalid field when the file does not match the schema.
 */
export async function loadCatalogue(path: URL | string = cataloguePath): Promise<readonly Control[]> {
  const parsed = catalogueSchema.safeParse(parse(await readFile(path, "utf8")));
  if (!parsed.success) throw new Error(`invalid control catalogue: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  return Object.freeze(parsed.data.controls);
}
