import { AppError } from "../../kernel/index.js";
import { dateRange, splitPrefix, type DatePrefix } from "./dates.js";
import { nameQuery } from "./normalise.js";
import { isBirthDateValue, normaliseContact, parameterOf, parseReference, searchParameters, tokenKeys, type SearchParameter } from "./parameters.js";

/** One date test: the prefix and the interval [low, high) the search value stands for, in epoch milliseconds. */
export interface DateTest {
  prefix: DatePrefix;
  low: number;
  high: number;
}

/** A reference a search asks for; `type` undefined when the client gave a bare id for a parameter of several types. */
export interface ReferenceTarget {
  type: string | undefined;
  id: string;
}

/**
 * One parameter occurrence: a resource matches when any of its values matches (comma = OR); all occurrences of a
 * search must match (repeat = AND). Token and string values are already hashed, ready for the index.
 */
export type SearchCondition =
  | { kind: "id"; ids: string[] }
  | { kind: "lastUpdated"; tests: DateTest[] }
  | { kind: "token"; param: string; hashes: Buffer[] }
  | { kind: "date"; param: string; tests: DateTest[] }
  | { kind: "reference"; param: string; targets: ReferenceTarget[] };

/** `Type:param` or `Type:param:TargetType` of `_include` and `_revinclude`. */
export interface IncludeSpec {
  sourceType: string;
  param: string;
  targetType: string | undefined;
}

export type SortKey = "_id" | "_lastUpdated" | "date";

/** A checked search, ready for `page`, `includes` and `revincludes`. */
export interface ParsedSearch {
  type: string;
  conditions: SearchCondition[];
  sort: { key: SortKey; descending: boolean };
  /** Matches per page the client asked for (`_count`): default 20, at most 100. */
  count: number;
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
}

export const defaultCount = 20;
export const maxCount = 100;
// Bounds on the work one request can ask for: each value is a hash or an index probe.
const maxParams = 50;
const maxValuesPerParam = 100;
const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;
// Format parameters the HTTP layer answers; they say nothing about which resources match.
const ignoredParams = new Set(["_format", "_pretty"]);

/** The blind-index field of a parameter: one per type and parameter, so equal values do not link across them. */
export const hashField = (type: string, param: string) => `fhir-search:${type}.${param}`;

/**
 * Checks and translates search parameters (query string or POST _search form, in order) into a `ParsedSearch`.
 * Strict: every parameter, modifier and prefix not supported is refused, never silently ignored.
 * @throws {AppError} `fhir.invalid_search` with the parameter name as expression.
 */
export function parseSearch(
  blindIndex: (field: string, value: string) => Buffer,
  type: string,
  params: ReadonlyArray<readonly [string, string]>,
): ParsedSearch {
  const definitions = searchParameters[type];
  if (!definitions) throw new AppError("fhir.unsupported_type");
  if (params.length > maxParams) throw invalid("_count", "too many parameters");
  const search: ParsedSearch = { type, conditions: [], sort: { key: "_id", descending: false }, count: defaultCount, include: [], revinclude: [] };
  const seen = new Set<string>();
  const once = (name: string) => {
    if (seen.has(name)) throw invalid(name, "given twice");
    seen.add(name);
  };

  for (const [rawName, rawValue] of params) {
    const [name = "", modifier] = splitModifier(rawName);
    if (ignoredParams.has(name) && modifier === undefined) continue;
    if (rawValue === "") continue; // FHIR R4 search.html: a parameter with no value is ignored.
    switch (name) {
      case "_count": {
        once(name);
        if (modifier !== undefined || !/^\d{1,6}$/.test(rawValue) || Number(rawValue) < 1) throw invalid(name, "not a positive integer");
        // FHIR lets a server return fewer than asked; more than the maximum is lowered, not refused.
        search.count = Math.min(Number(rawValue), maxCount);
        continue;
      }
      case "_sort": {
        once(name);
        if (modifier !== undefined) throw invalid(rawName, "modifier");
        search.sort = parseSort(type, rawValue);
        continue;
      }
      case "_include":
      case "_revinclude": {
        if (modifier !== undefined) throw invalid(rawName, "modifier (iterate) not supported");
        for (const value of splitValues(rawValue, name)) {
          const spec = parseInclude(value, name);
          if (name === "_include") {
            if (spec.sourceType !== type) throw invalid(name, "source type differs from the searched type");
            search.include.push(spec);
          } else {
            if (spec.targetType !== undefined && spec.targetType !== type) throw invalid(name, "target type differs from the searched type");
            search.revinclude.push(spec);
          }
        }
        continue;
      }
      case "_id": {
        if (modifier !== undefined) throw invalid(rawName, "modifier");
        const ids = splitValues(rawValue, name);
        if (!ids.every((id) => fhirId.test(id))) throw invalid(name, "not an id");
        search.conditions.push({ kind: "id", ids });
        continue;
      }
      case "_lastUpdated": {
        if (modifier !== undefined) throw invalid(rawName, "modifier");
        search.conditions.push({ kind: "lastUpdated", tests: splitValues(rawValue, name).map((value) => dateTest(value, name)) });
        continue;
      }
    }
    const definition = definitions.find((param) => param.name === name);
    if (!definition) throw invalid(name, "unknown or unsupported parameter");
    search.conditions.push(parseCondition(blindIndex, type, definition, modifier, rawValue));
  }
  return search;
}

function parseCondition(
  blindIndex: (field: string, value: string) => Buffer,
  type: string,
  definition: SearchParameter,
  modifier: string | undefined,
  rawValue: string,
): SearchCondition {
  const name = definition.name;
  const values = splitValues(rawValue, name);
  const hash = (key: string) => blindIndex(hashField(type, name), key);
  // A type modifier (subject:Patient) is the one modifier supported, and only on references.
  if (modifier !== undefined && !(definition.type === "reference" && /^[A-Z][A-Za-z]{1,63}$/.test(modifier))) {
    throw invalid(`${name}:${modifier}`, "modifier not supported");
  }
  switch (definition.type) {
    case "token":
      return { kind: "token", param: name, hashes: values.map((value) => hash(tokenQueryKey(name, value))) };
    case "string":
      return {
        kind: "token",
        param: name,
        hashes: values.map((value) => {
          const query = nameQuery(unescape(value));
          if (query === "") throw invalid(name, "empty after normalisation");
          return hash(query);
        }),
      };
    case "birthdate":
      return {
        kind: "token",
        param: name,
        hashes: values.map((value) => {
          const { prefix, value: bare } = splitPrefix(value);
          // Birth dates are PHI and kept only as hashes of the year, month and day: equality is all a hash can answer.
          if (prefix !== "eq") throw invalid(name, "range prefixes are not supported on birthdate");
          if (!isBirthDateValue(bare) || !dateRange(bare)) throw invalid(name, "not YYYY, YYYY-MM or YYYY-MM-DD");
          return hash(bare);
        }),
      };
    case "date":
      return { kind: "date", param: name, tests: values.map((value) => dateTest(value, name)) };
    case "reference":
      return {
        kind: "reference",
        param: name,
        targets: values.map((value) => {
          const target = referenceTarget(value, modifier);
          if (!target) throw invalid(name, "not Type/id or an id");
          return target;
        }),
      };
  }
}

/** The index key a token search value looks up (see `tokenKeys`). */
function tokenQueryKey(param: string, value: string): string {
  const bar = indexOfUnescaped(value, "|");
  if (bar < 0) return `c:${normaliseToken(param, undefined, unescape(value))}`;
  const system = unescape(value.slice(0, bar));
  const code = unescape(value.slice(bar + 1));
  if (code === "") {
    if (system === "") throw invalid(param, "empty system and code");
    return `S:${system}`;
  }
  return tokenKeys(system || undefined, normaliseToken(param, system || undefined, code))[0]!;
}

function normaliseToken(param: string, system: string | undefined, value: string): string {
  if (param === "phone") return normaliseContact("phone", value);
  if (param === "email") return normaliseContact("email", value);
  if (param === "telecom") return normaliseContact(system, value);
  return value;
}

function referenceTarget(value: string, typeModifier: string | undefined): ReferenceTarget | undefined {
  const text = unescape(value);
  if (fhirId.test(text)) return { type: typeModifier, id: text };
  // Type/id, or an absolute URL of this or another server ending in Type/id (FHIR R4 search.html#reference).
  const reference = parseReference(text);
  if (!reference || (typeModifier !== undefined && typeModifier !== reference.type)) return undefined;
  return reference;
}

/**
 * The instant of a history `_since` (FHIR R4 http.html#history): a FHIR date or dateTime, its earliest moment.
 * Anything else, a year before 0001 or after 9999 among them, is a bad request rather than a database error.
 * @throws {AppError} `fhir.invalid_search`.
 */
export function sinceOf(value: string): Date {
  const range = dateRange(value);
  if (!range) throw invalid("_since", "not a FHIR instant");
  return new Date(range.low);
}

function dateTest(value: string, param: string): DateTest {
  const { prefix, value: bare } = splitPrefix(value);
  const range = dateRange(bare);
  if (!range) throw invalid(param, "not a FHIR date");
  return { prefix, ...range };
}

function parseSort(type: string, value: string): ParsedSearch["sort"] {
  const keys = splitValues(value, "_sort");
  if (keys.length !== 1) throw invalid("_sort", "one sort key only");
  const descending = keys[0]!.startsWith("-");
  const key = descending ? keys[0]!.slice(1) : keys[0]!;
  if (key === "_id" || key === "_lastUpdated") return { key, descending };
  if (key === "date" && parameterOf(type, "date")?.type === "date") return { key, descending };
  // Every other parameter is stored only as keyed hashes (or has several values per resource): no order to sort by.
  throw invalid("_sort", `cannot sort by ${parameterOf(type, key) ? "this parameter" : "an unknown parameter"}`);
}

function parseInclude(value: string, name: string): IncludeSpec {
  const [sourceType = "", param = "", targetType, ...rest] = value.split(":");
  if (rest.length > 0 || !parameterOf(sourceType, param) || parameterOf(sourceType, param)?.type !== "reference") {
    throw invalid(name, "not Type:reference-parameter of a supported type");
  }
  if (targetType !== undefined && !/^[A-Z][A-Za-z]{1,63}$/.test(targetType)) throw invalid(name, "bad target type");
  return { sourceType, param, targetType };
}

function splitModifier(name: string): [string, string | undefined] {
  const colon = name.indexOf(":");
  return colon < 0 ? [name, undefined] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** Comma-separated values (OR), honouring the `\,` escape. */
function splitValues(text: string, param: string): string[] {
  const values: string[] = [];
  let start = 0;
  for (let at = indexOfUnescaped(text, ","); at >= 0; at = indexOfUnescaped(text, ",", start)) {
    values.push(text.slice(start, at));
    start = at + 1;
  }
  values.push(text.slice(start));
  const kept = values.filter((value) => value !== "");
  if (kept.length === 0) throw invalid(param, "no value");
  if (kept.length > maxValuesPerParam) throw invalid(param, "too many values");
  return kept;
}

function indexOfUnescaped(text: string, char: string, from = 0): number {
  for (let at = from; at < text.length; at += 1) {
    if (text[at] === "\\") at += 1;
    else if (text[at] === char) return at;
  }
  return -1;
}

const unescape = (text: string) => text.replace(/\\([\\,|$])/g, "$1");

/**
 * The 400 for a search this server cannot run. It names the parameter but never the value searched for; a name
 * that is not parameter syntax is not repeated either, since a client could put anything there.
 */
export function invalid(param: string, detail: string): AppError {
  const name = /^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$/.test(param) ? param : "(unreadable parameter name)";
  return new AppError("fhir.invalid_search", { expression: [name], detail: `${name}: ${detail}` });
}
