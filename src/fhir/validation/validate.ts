import { AppError } from "../../kernel/index.js";
import type { FhirResource } from "../resources/index.js";
import { conflictingChoices } from "./choice-check.js";
import { activeContentIn, narrativesOf } from "./narrative-check.js";
import { createSchemaChecker, type SchemaChecker } from "./schema-check.js";
import { createStructureChecker, type StructureChecker } from "./structure-check.js";
import { isValidatedType } from "./types.js";

/** At most this many element paths go back to the client: enough to fix a resource, bounded for a hostile one. */
const maxExpressions = 20;

let checkers: { schema: SchemaChecker; structure: StructureChecker } | undefined;

/**
 * Loads the StructureDefinitions and compiles the JSON schema (about a second, once per process). Validation does
 * it on first use; call this at startup so the first write does not wait.
 */
export function prepareValidation(): void {
  checkers ??= { schema: createSchemaChecker(), structure: createStructureChecker() };
}

/**
 * Checks a request body against FHIR R4 for its type: the official JSON schema (unknown elements, JSON types,
 * primitive formats, codes of required bindings) and the type's StructureDefinition (cardinality including
 * required primitives, choice types and one alternative each, invariants, contained resources); then refuses narrative with active content.
 * @throws {AppError} `fhir.invalid_resource` (400) when the body is not an object, its type is not one stored here,
 * or it does not conform, naming the offending elements as FHIRPath (OperationOutcome.issue.expression);
 * `fhir.resource_type_mismatch` (400) when resourceType differs from `type`; `fhir.unprocessable` (422) naming
 * `<Type>.text.div` when otherwise valid narrative holds script, event handlers, script URLs or embedded content.
 */
export function validateResource(type: string, body: unknown): FhirResource {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("fhir.invalid_resource", { detail: "body is not a JSON object" });
  }
  const resource = body as Record<string, unknown>;
  if (resource["resourceType"] !== type) throw new AppError("fhir.resource_type_mismatch", { expression: ["resourceType"] });
  if (!isValidatedType(type)) throw new AppError("fhir.invalid_resource", { expression: ["resourceType"], detail: "resource type not stored here" });
  prepareValidation();
  const expressions = withoutChoiceDuplicates([...new Set([...checkers!.schema.check(type, resource), ...checkers!.structure.check(resource), ...conflictingChoices(resource, type)])]);
  if (expressions.length > 0) {
    throw new AppError("fhir.invalid_resource", { expression: expressions.slice(0, maxExpressions), detail: `${expressions.length} element(s) do not conform to FHIR R4 ${type}` });
  }
  for (const narrative of narrativesOf(type, resource)) {
    const active = activeContentIn(narrative.div);
    if (active) throw new AppError("fhir.unprocessable", { expression: [narrative.expression], detail: `narrative refused: ${active}` });
  }
  return resource as FhirResource;
}

/** Drops `Observation.effective[x]` when `Observation.effectiveDateTime` names the same element more precisely. */
function withoutChoiceDuplicates(expressions: string[]): string[] {
  return expressions.filter((expression) => {
    if (!expression.endsWith("[x]")) return true;
    const base = expression.slice(0, -3);
    return !expressions.some((other) => other.length > base.length && other.startsWith(base) && /^[A-Z]/.test(other.charAt(base.length)));
  });
}
