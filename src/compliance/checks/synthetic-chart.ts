import { syntheticPatientBundle } from "../../fhir/synthetic/index.js";
import { validateResource } from "../../fhir/validation/index.js";
import type { FhirResource } from "../../fhir/index.js";

/**
 * A synthetic patient's chart as Patient/$everything returns it (a searchset Bundle of stored resources with their
 * ids and literal references), built from the synthetic-data generator: checks exercise the export and print paths on
 * it without reading or writing anyone's real record. Each resource passes the validator records are stored through.
 * @throws {AppError} `fhir.invalid_resource` when a resource is not valid FHIR R4 as this server stores it.
 */
export function syntheticChart(observations: number, index = 1): { resourceType: "Bundle"; type: "searchset"; total: number; entry: Array<{ fullUrl: string; resource: FhirResource }> } {
  const transaction = syntheticPatientBundle(index, observations) as { entry: Array<{ fullUrl?: string; resource: Record<string, unknown> }> };
  // Entries without a fullUrl (the observations) get ids of their own, as the server assigns them.
  const named = transaction.entry.map((entry, n) => ({ fullUrl: entry.fullUrl ?? `urn:uuid:00000000-0000-4000-a000-${String(n).padStart(12, "0")}`, resource: entry.resource }));
  const idOf = new Map(named.map((entry) => [entry.fullUrl, `${entry.resource["resourceType"] as string}/${entry.fullUrl.replace("urn:uuid:", "")}`]));
  // Literal references as the server stores them once the transaction has assigned ids.
  const resolve = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(resolve)
      : typeof value === "object" && value !== null
        ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === "reference" && typeof inner === "string" ? (idOf.get(inner) ?? inner) : resolve(inner)]))
        : value;
  const entry = named.map((item) => {
    const reference = idOf.get(item.fullUrl)!;
    const [type, id] = reference.split("/") as [string, string];
    const resource = validateResource(type, { ...(resolve(item.resource) as Record<string, unknown>), id });
    return { fullUrl: `urn:mamori:synthetic/${reference}`, resource };
  });
  return { resourceType: "Bundle", type: "searchset", total: entry.length, entry };
}
