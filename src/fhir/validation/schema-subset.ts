import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { validatedTypes } from "./types.js";

/** The shape of the official FHIR R4 JSON schema (draft-06) this module reads. */
export interface FhirJsonSchema {
  $schema?: string;
  id?: string;
  $id?: string;
  discriminator?: unknown;
  oneOf?: unknown;
  definitions: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Contained resources may be of any type; the structure validator checks them against their own StructureDefinition,
 * so the JSON schema only requires them to be objects naming a resourceType. This keeps the carried schema to the
 * definitions our own types reach instead of all 145 resources.
 */
const containedResource = {
  description: "A contained resource; checked in full by the StructureDefinition validator.",
  type: "object",
  properties: { resourceType: { type: "string" } },
  required: ["resourceType"],
};

/**
 * The official base64Binary pattern `^(\s*([0-9a-zA-Z\+/=]){4}\s*)+$` can match whitespace between two quads in either
 * `\s*`, so a failing match backtracks exponentially: 120 characters of "AAAA  " ending in "!" took 44 s. The same
 * language, with whitespace only after each quad, matches in linear time.
 */
const linearPatterns: Readonly<Record<string, string>> = {
  "^(\\s*([0-9a-zA-Z\\+/=]){4}\\s*)+$": "^\\s*([0-9a-zA-Z\\+/=]{4}\\s*)+$",
};

/**
 * The schema's patterns are the spec's XML Schema regular expressions, where `\s` is only space, tab, CR and LF;
 * JavaScript's `\s` also matches U+00A0, U+202F and U+3000 (the ideographic space of Japanese names and
 * addresses), which would refuse valid strings. Rewrites `\s`/`\S` to the XML Schema sets. The one class that holds
 * `\S` (`[ \r\n\t\S]`, string) also holds the four spaces, so in XML Schema it is any character: `[\s\S]`.
 */
export function xmlSchemaPatternToJs(pattern: string): string {
  let result = "";
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === "\\") {
      const escaped = pattern[++index];
      if (escaped === "s") result += inClass ? " \\t\\n\\r" : "[ \\t\\n\\r]";
      else if (escaped === "S") result += inClass ? "\\s\\S" : "[^ \\t\\n\\r]";
      else result += `\\${escaped ?? ""}`;
      continue;
    }
    if (char === "[") inClass = true;
    else if (char === "]") inClass = false;
    result += char;
  }
  return result;
}

/** The format the schema checker registers for "Dates SHALL be valid dates" (R4 date, dateTime, instant). */
export const calendarDateFormat = "fhir-calendar-date";
const dateTypes = ["date", "dateTime", "instant"];

/**
 * The part of the official FHIR R4 JSON schema that the given resource types reach through `$ref`, unchanged except
 * for `ResourceList` (see {@link containedResource}), base64Binary's pattern made linear ({@link linearPatterns}) and
 * patterns read as XML Schema does ({@link xmlSchemaPatternToJs}), date, dateTime and instant values marked with
 * {@link calendarDateFormat} (their patterns allow 31 February), with `id` renamed `$id` and `$schema` dropped so that ajv
 * (draft-07 by default) reads the draft-06 document.
 */
export function schemaSubset(full: FhirJsonSchema, roots: readonly string[] = validatedTypes): FhirJsonSchema {
  const definitions: Record<string, unknown> = { ResourceList: containedResource };
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (Object.hasOwn(definitions, name)) continue;
    const definition = full.definitions[name];
    if (definition === undefined) throw new Error(`FHIR schema has no definition ${name}`);
    definitions[name] = definition;
    for (const match of JSON.stringify(definition).matchAll(/"\$ref":"#\/definitions\/([A-Za-z0-9_]+)"/g)) pending.push(match[1]!);
  }
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((name) => [name, definitions[name]]));
  // Choice elements (effectiveDateTime) repeat their type's pattern inline instead of referring to the type.
  const datePatterns = new Set(dateTypes.map((name) => (full.definitions[name] as { pattern?: string }).pattern));
  const translated = JSON.parse(
    JSON.stringify(sorted, (key, value: unknown) => {
      if (key === "pattern" && typeof value === "string") return xmlSchemaPatternToJs(linearPatterns[value] ?? value);
      const pattern = typeof value === "object" && value !== null ? (value as { pattern?: unknown }).pattern : undefined;
      return typeof pattern === "string" && datePatterns.has(pattern) ? { ...(value as object), format: calendarDateFormat } : value;
    }),
  ) as Record<string, unknown>;
  return { $id: full.id ?? full.$id, description: "Subset of the official FHIR R4 (4.0.1) JSON schema (CC0), adapted by src/fhir/validation/schema-subset.ts.", definitions: translated };
}

// Regenerates the carried schema: `node --import tsx src/fhir/validation/schema-subset.ts <fhir.schema.json.zip>`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const zip = process.argv[2];
  if (!zip) throw new Error("usage: schema-subset.ts <fhir.schema.json.zip>");
  const full = JSON.parse(execFileSync("unzip", ["-p", zip, "fhir.schema.json"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })) as FhirJsonSchema;
  writeFileSync(new URL("./fhir-r4.schema.json", import.meta.url), `${JSON.stringify(schemaSubset(full))}\n`);
}
