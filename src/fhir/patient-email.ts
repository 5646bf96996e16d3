import type { FhirResource } from "./resources/index.js";
import { recordedByExtensionUrl } from "./record-writer.js";

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

/**
 * Who put the current e-mail address on the record by changing it: the author of the oldest version, in the unbroken
 * run of latest versions holding that address, when that version is an update (not the registration). Undefined when
 * the address came with the registration or the history says nothing of its author. A portal invitation goes to this
 * address, so a clinician who pointed it at himself must not be the one to invite.
 */
export function addressChangedBy(history: ReadonlyArray<{ versionId: string; resource?: FhirResource | undefined }>, email: string): string | undefined {
  const newestFirst = [...history].sort((a, b) => Number(b.versionId) - Number(a.versionId));
  let introducing: (typeof newestFirst)[number] | undefined;
  for (const version of newestFirst) {
    if (!version.resource || emailOnRecord(version.resource)?.trim().toLowerCase() !== email) break;
    introducing = version;
  }
  if (!introducing?.resource || introducing.versionId === "1") return undefined;
  const extensions = (introducing.resource as { meta?: { extension?: Array<{ url?: string; valueIdentifier?: { value?: string } }> } }).meta?.extension ?? [];
  return extensions.find((extension) => extension.url === recordedByExtensionUrl)?.valueIdentifier?.value;
}
