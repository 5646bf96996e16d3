import type { Confidentiality, LabelChange, RecordWrite } from "../access/index.js";
import type { FhirResource } from "./resources/index.js";
import { confidentialitySystem } from "./validation/index.js";

/** Elements the server sets or derives, never a change of what the record says (FHIR R4 resource.html#Meta). */
// The narrative (text) counts as a change: it is what a reader of the printed record sees, so rewriting it is
// rewriting the record (a pharmacist changing "1日1回" to "1日3回" in the narrative alters the prescription).
const ignoredElements = new Set(["resourceType", "id"]);
/** Parts of `meta` the server assigns on every write, and the label, which is decided as its own change. */
const serverMeta = new Set(["versionId", "lastUpdated"]);

const labelRank: Record<Confidentiality, number> = { N: 0, R: 1, V: 2 };

/** How a label moves from `from` to `to`: raised when it narrows who may read, lowered when it widens. */
export function labelChangeOf(from: Confidentiality, to: Confidentiality): LabelChange {
  if (labelRank[to] > labelRank[from]) return "raised";
  return labelRank[to] < labelRank[from] ? "lowered" : "none";
}

/**
 * What an update changes, as the record policies see it: the top-level elements whose value differs between the
 * stored version and the new one, and the move of the confidentiality label. `meta` counts as changed only for
 * what the client controls besides the label (tags, profiles, other security labels); `recordedByUrl` is the
 * server's own extension naming the writer.
 */
export function recordWriteOf(previous: FhirResource, next: FhirResource, labels: { from: Confidentiality; to: Confidentiality }, isAuthor: boolean, recordedByUrl: string): RecordWrite {
  const names = new Set([...Object.keys(previous), ...Object.keys(next)].filter((name) => !ignoredElements.has(name)));
  const changedFields = [...names]
    .filter((name) => {
      if (name === "meta") return canonical(clientMeta(previous.meta, recordedByUrl)) !== canonical(clientMeta(next.meta, recordedByUrl));
      return canonical(previous[name]) !== canonical(next[name]);
    })
    .sort();
  return { changedFields, labelChange: labelChangeOf(labels.from, labels.to), isAuthor };
}

/** `meta` without what the server assigns and without the confidentiality label; empty parts left out. */
function clientMeta(meta: unknown, recordedByUrl: string): Record<string, unknown> {
  if (!isObject(meta)) return {};
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(meta)) {
    if (serverMeta.has(name)) continue;
    let part = value;
    if (name === "security" && Array.isArray(value)) part = value.filter((coding) => !(isObject(coding) && coding["system"] === confidentialitySystem));
    if (name === "extension" && Array.isArray(value)) part = value.filter((extension) => !(isObject(extension) && extension["url"] === recordedByUrl));
    if (Array.isArray(part) && part.length === 0) continue;
    kept[name] = part;
  }
  return kept;
}

/** JSON with object keys sorted, so two values compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    isObject(item) ? Object.fromEntries(Object.keys(item).sort().map((name) => [name, item[name]])) : item,
  ) ?? "undefined";
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
