import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { calendarDateFormat, type FhirJsonSchema } from "./schema-subset.js";
import { validatedTypes, type ValidatedType } from "./types.js";

/**
 * Checks a resource against the official FHIR R4 JSON schema: unknown elements, JSON types, primitive formats
 * (the spec's regular expressions) and codes of required bindings (enumerations). It does not see cardinality of
 * primitives or invariants; {@link ./structure-check.ts} does.
 */
export interface SchemaChecker {
  /** FHIRPath expressions of the offending elements; empty when the resource conforms. */
  check(type: ValidatedType, resource: object): string[];
}

/** Compiles the carried schema subset (about 0.2 s; once per process). */
export function createSchemaChecker(): SchemaChecker {
  const schema = JSON.parse(readFileSync(new URL("./fhir-r4.schema.json", import.meta.url), "utf8")) as FhirJsonSchema;
  // strict: false because the FHIR schema uses draft-06 keywords ajv's strict mode does not know (e.g. discriminator).
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat(calendarDateFormat, { type: "string", validate: isCalendarDate });
  ajv.addSchema(schema);
  const validators = new Map<ValidatedType, ValidateFunction>();
  for (const type of validatedTypes) {
    const validate = ajv.getSchema(`${schema.$id}#/definitions/${type}`);
    if (!validate) throw new Error(`FHIR schema has no definition for ${type}`);
    validators.set(type, validate);
  }
  return {
    check(type, resource) {
      const validate = validators.get(type)!;
      if (validate(resource)) return [];
      return (validate.errors ?? []).map((error) => expressionOf(type, error));
    },
  };
}

/**
 * Whether the day of a FHIR date, dateTime or instant exists in its month (the pattern checks only 01–31). A value
 * without a day, or that the pattern refuses anyway, passes here so that the pattern's own error names it.
 */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return true;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Day 0 of the next month is the last day of this one; UTC keeps time zones out of it.
  return month < 1 || month > 12 || day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `/name/0/family` → `Patient.name[0].family`, plus the unknown or missing property the error names. */
function expressionOf(type: string, error: ErrorObject): string {
  const segments = error.instancePath.split("/").slice(1).map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (error.keyword === "additionalProperties") segments.push(String(error.params["additionalProperty"]));
  if (error.keyword === "required") segments.push(String(error.params["missingProperty"]));
  return segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment}`), type);
}
