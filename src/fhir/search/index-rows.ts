import type { FhirResource } from "../resources/index.js";
import { hashField } from "./parse.js";
import { searchParameters } from "./parameters.js";
import type { IndexRows } from "./store.js";

/**
 * The index rows of one resource: keyed hashes for every token, string and birth-date value, clear intervals for
 * clinical dates, clear type/id for references. `lastUpdated` comes from meta.lastUpdated, which the records module
 * sets on each version; without it the time of indexing stands in.
 */
export function indexRowsOf(
  blindIndex: (field: string, value: string) => Buffer,
  resource: FhirResource & { id: string },
  patientId: string | undefined,
): IndexRows {
  const type = resource.resourceType;
  const rows: IndexRows = {
    resource: { type, id: resource.id, patientId, lastUpdated: lastUpdatedOf(resource), sortDate: undefined },
    tokens: [],
    dates: [],
    references: [],
  };
  for (const param of searchParameters[type] ?? []) {
    const hash = (key: string) => ({ param: param.name, hash: blindIndex(hashField(type, param.name), key) });
    switch (param.type) {
      case "token":
        rows.tokens.push(...[...new Set(param.tokens(resource))].map(hash));
        break;
      case "string":
        rows.tokens.push(...[...new Set(param.names(resource))].map(hash));
        break;
      case "birthdate":
        rows.tokens.push(...param.dates(resource).map(hash));
        break;
      case "date": {
        const unique = new Map(param.dates(resource).map((range) => [`${range.low}-${range.high}`, range]));
        for (const range of unique.values()) rows.dates.push({ param: param.name, low: new Date(range.low), high: new Date(range.high) });
        if (param.name === "date" && unique.size > 0) rows.resource.sortDate = new Date(Math.min(...[...unique.values()].map((range) => range.low)));
        break;
      }
      case "reference": {
        const unique = new Map(param.references(resource, patientId).map((reference) => [`${reference.type}/${reference.id}`, reference]));
        for (const reference of unique.values()) rows.references.push({ param: param.name, targetType: reference.type, targetId: reference.id });
        break;
      }
    }
  }
  return rows;
}

function lastUpdatedOf(resource: FhirResource): Date {
  const text = resource.meta?.lastUpdated;
  const at = typeof text === "string" ? new Date(text) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : new Date();
}
