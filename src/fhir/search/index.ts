// Interim: replaced by the search index module.
import { sql } from "kysely";
import type { Keyring } from "../../crypto/index.js";
import type { Executor } from "../../db/index.js";
import type { SearchPort } from "../search-port.js";

export function createSearchIndex(_deps: { keyring: Keyring }): SearchPort {
  return {
    async write() {},
    async remove() {},
    parse(type, params) {
      const count = Number(params.find(([name]) => name === "_count")?.[1] ?? "20");
      return { type, count };
    },
    async page(executor: Executor, search, after, limit) {
      const offset = Number(after ?? "0");
      const rows = await sql<{ id: string }>`select distinct id from fhir_resource_version where resource_type = ${search.type} order by id offset ${offset} limit ${limit + 1}`.execute(executor);
      const keys = rows.rows.slice(0, limit).map((row) => ({ type: search.type, id: row.id }));
      return { keys, next: rows.rows.length > limit ? String(offset + limit) : undefined };
    },
    async includes() { return []; },
    async revincludes() { return []; },
  };
}
