import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { FhirJsonSchema } from "./schema-subset.js";
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

/** `/name/0/family` → `Patient.name[0].family`, plus the unknown or missing property the error names. */
function expressionOf(type: string, error: ErrorObject): string {
  const segments = error.instancePath.split("/").slice(1).map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (error.keyword === "additionalProperties") segments.push(String(error.params["additionalProperty"]));
  if (error.keyword === "required") segments.push(String(error.params["missingProperty"]));
  return segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment}`), type);
}
