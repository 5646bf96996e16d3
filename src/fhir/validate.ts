import { AppError } from "../kernel/index.js";
import { resourceDefinitions, type FhirResource, type SupportedType } from "./resources/index.js";

/**
 * Checks a resource body against its type's definition.
 * @throws {AppError} `fhir.resource_type_mismatch` when resourceType differs from the URL; `fhir.invalid_resource`
 * naming the first offending element paths (OperationOutcome.issue.expression).
 */
export function validateResource(type: SupportedType, body: unknown): FhirResource {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("fhir.invalid_resource", { detail: "body is not a JSON object" });
  }
  const resourceType = (body as { resourceType?: unknown }).resourceType;
  if (resourceType !== type) throw new AppError("fhir.resource_type_mismatch", { expression: ["resourceType"] });
  const parsed = resourceDefinitions[type].schema.safeParse(body);
  if (!parsed.success) {
    const expression = parsed.error.issues.slice(0, 10).map((issue) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
      return keys.map((path) => [type, ...path].map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join(""));
    });
    throw new AppError("fhir.invalid_resource", { expression: expression.flat(), detail: "schema validation failed" });
  }
  return parsed.data;
}
