import type { FhirResource } from "./resources/index.js";

/**
 * The patient's e-mail address as the record holds it: the first Patient.telecom with system `email` that is not
 * marked old (FHIR R4 ContactPoint), preferring the lowest `rank`. Undefined when the record has none.
 */
export function emailOnRecord(resource: FhirResource): string | undefined {
  if (resource.resourceType !== "Patient") return undefined;
  const telecom = (resource as { telecom?: unknown }).telecom;
  if (!Array.isArray(telecom)) return undefined;
  const emails = telecom
    .filter((point): point is { value: string; use?: unknown; rank?: unknown } => {
      if (typeof point !== "object" || point === null) return false;
      const contact = point as Record<string, unknown>;
      return contact["system"] === "email" && typeof contact["value"] === "string" && contact["value"].includes("@") && contact["use"] !== "old";
    })
    .sort((a, b) => rankOf(a) - rankOf(b));
  return emails[0]?.value;
}

// An unranked contact point comes after every ranked one (ContactPoint.rank: 1 is the most preferred).
const rankOf = (point: { rank?: unknown }): number => (typeof point.rank === "number" ? point.rank : Number.MAX_SAFE_INTEGER);
