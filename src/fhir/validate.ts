import { AppError } from "../kernel/index.js";
import type { FhirResource, SupportedType } from "./resources/index.js";

/**
 * Checks a resource body is a JSON object of the type in the URL.
 * @throws {AppError} `fhir.invalid_resource`, `fhir.resource_type_mismatch`.
 */
export function validateResource(type: SupportedType, body: unknown): FhirResource {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("fhir.invalid_resource", { detail: "body is not a JSON object" });
  }
  if ((body as { resourceType?: unknown }).resourceType !== type) throw new AppError("fhir.resource_type_mismatch", { expression: ["resourceType"] });
  return body as FhirResource;
}
