import type { Executor } from "../db/index.js";
import type { FhirResource } from "./resources/index.js";
import type { ResourceKey } from "./store.js";

/** What the records module needs from the search index (src/fhir/search): keep it current, and find keys. */
export interface SearchPort<Parsed extends { type: string; count: number } = { type: string; count: number }> {
  write(executor: Executor, resource: FhirResource & { id: string }, patientId: string | undefined): Promise<void>;
  remove(executor: Executor, type: string, id: string): Promise<void>;
  parse(type: string, params: ReadonlyArray<readonly [string, string]>): Parsed;
  page(executor: Executor, search: Parsed, after: string | undefined, limit: number): Promise<{ keys: ResourceKey[]; next: string | undefined }>;
  includes(executor: Executor, search: Parsed, matches: ResourceKey[]): Promise<ResourceKey[]>;
  revincludes(executor: Executor, search: Parsed, matches: ResourceKey[]): Promise<ResourceKey[]>;
}
