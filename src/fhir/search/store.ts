import { sql, type RawBuilder } from "kysely";
import type { Executor } from "../../db/index.js";
import { openHigh } from "./dates.js";
import type { DateTest, IncludeSpec, ParsedSearch, SearchCondition } from "./parse.js";

type SearchTables = {
  fhir_search_resource: { resource_type: string; id: string; patient_id: string | null; last_updated: Date; sort_date: Date | null };
  fhir_search_token: { resource_type: string; id: string; param: string; value_hash: Uint8Array };
  fhir_search_date: { resource_type: string; id: string; param: string; low: Date; high: Date };
  fhir_search_reference: { resource_type: string; id: string; param: string; target_type: string; target_id: string };
};

/** The rows one resource contributes to the index. */
export interface IndexRows {
  resource: { type: string; id: string; patientId: string | undefined; lastUpdated: Date; sortDate: Date | undefined };
  tokens: Array<{ param: string; hash: Buffer }>;
  dates: Array<{ param: string; low: Date; high: Date }>;
  references: Array<{ param: string; targetType: string; targetId: string }>;
}

export interface ResourceKey {
  type: string;
  id: string;
}

// Resources without the sorted date go after those with one (ascending) so the keyset has no nulls to skip.
const missingSortDate = new Date(openHigh);

/** SQL of the FHIR search index. */
export function createSearchStore(executor: Executor) {
  const db = executor.withTables<SearchTables>();
  return {
    /**
     * Replaces everything indexed for one resource in one statement: a write is one round trip to the database, not
     * one per table. The resource row is upserted first: its row lock makes two transactions writing the same
     * resource take turns instead of colliding on the primary key. `isNew` (its first version) skips removing rows it
     * cannot have. Rows travel as arrays (hashes as hex), so the statement's text is the same whatever the row count.
     */
    async replace(rows: IndexRows, isNew: boolean): Promise<void> {
      const { type, id } = rows.resource;
      const upsertResource = sql`insert into fhir_search_resource (resource_type, id, patient_id, last_updated, sort_date)
        values (${type}, ${id}, ${rows.resource.patientId ?? null}, ${rows.resource.lastUpdated}, ${rows.resource.sortDate ?? null})
        on conflict (resource_type, id) do update set patient_id = excluded.patient_id, last_updated = excluded.last_updated, sort_date = excluded.sort_date`;
      if (!isNew) {
        // Apart from the inserts: within one statement a delete and an insert of the same key would not see each other.
        await sql`with resource as (${upsertResource}),
            token as (delete from fhir_search_token where resource_type = ${type} and id = ${id}),
            date as (delete from fhir_search_date where resource_type = ${type} and id = ${id})
          delete from fhir_search_reference where resource_type = ${type} and id = ${id}`.execute(executor);
      }
      const tokens = { params: rows.tokens.map((row) => row.param), hashes: rows.tokens.map((row) => row.hash.toString("hex")) };
      const dates = { params: rows.dates.map((row) => row.param), lows: rows.dates.map((row) => row.low.toISOString()), highs: rows.dates.map((row) => row.high.toISOString()) };
      const references = { params: rows.references.map((row) => row.param), types: rows.references.map((row) => row.targetType), ids: rows.references.map((row) => row.targetId) };
      // The foreign keys to the resource row are checked at the end of the statement, after its upsert.
      await sql`with ${isNew ? sql`resource as (${upsertResource}),` : sql``}
          token as (
            insert into fhir_search_token (resource_type, id, param, value_hash)
            select ${type}, ${id}, param, decode(hash, 'hex') from unnest(${tokens.params}::text[], ${tokens.hashes}::text[]) as row(param, hash)
            on conflict do nothing),
          date as (
            insert into fhir_search_date (resource_type, id, param, low, high)
            select ${type}, ${id}, param, low, high from unnest(${dates.params}::text[], ${dates.lows}::timestamptz[], ${dates.highs}::timestamptz[]) as row(param, low, high))
        insert into fhir_search_reference (resource_type, id, param, target_type, target_id)
        select ${type}, ${id}, param, target_type, target_id from unnest(${references.params}::text[], ${references.types}::text[], ${references.ids}::text[]) as row(param, target_type, target_id)
        on conflict do nothing`.execute(executor);
    },

    async remove(type: string, id: string): Promise<void> {
      await db.deleteFrom("fhir_search_resource").where("resource_type", "=", type).where("id", "=", id).execute();
    },

    async removePatient(patientId: string): Promise<number> {
      const result = await db
        .deleteFrom("fhir_search_resource")
        .where((eb) => eb.or([eb("patient_id", "=", patientId), eb.and([eb("resource_type", "=", "Patient"), eb("id", "=", patientId)])]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Up to `limit` matches after the keyset position, in sort order. */
    async page(search: ParsedSearch, after: { sort: Date | undefined; id: string } | undefined, limit: number): Promise<Array<{ id: string; sort: Date | undefined }>> {
      const sortExpr = sortExpression(search.sort.key);
      const direction = search.sort.descending ? sql`desc` : sql`asc`;
      const where: RawBuilder<unknown>[] = [sql`r.resource_type = ${search.type}`, ...search.conditions.map((condition) => conditionSql(condition))];
      if (after) {
        const compare = search.sort.descending ? sql`<` : sql`>`;
        where.push(sortExpr && after.sort ? sql`(${sortExpr}, r.id) ${compare} (${after.sort}, ${after.id})` : sql`r.id ${compare} ${after.id}`);
      }
      const order = sortExpr ? sql`${sortExpr} ${direction}, r.id ${direction}` : sql`r.id ${direction}`;
      const result = await sql<{ id: string; sort_value: Date | null }>`
        select r.id, ${sortExpr ?? sql`null::timestamptz`} as sort_value
        from fhir_search_resource r
        where ${sql.join(where, sql` and `)}
        order by ${order}
        limit ${limit}`.execute(executor);
      return result.rows.map((row) => ({ id: row.id, sort: row.sort_value ?? undefined }));
    },

    /** Resources the matches reference through the `_include` parameters. */
    async referencedBy(specs: IncludeSpec[], sourceIds: string[]): Promise<ResourceKey[]> {
      if (specs.length === 0 || sourceIds.length === 0) return [];
      const rows = await db
        .selectFrom("fhir_search_reference")
        .select(["target_type", "target_id"])
        .distinct()
        .where("id", "in", sourceIds)
        .where((eb) =>
          eb.or(
            specs.map((spec) =>
              eb.and([eb("resource_type", "=", spec.sourceType), eb("param", "=", spec.param), ...(spec.targetType ? [eb("target_type", "=", spec.targetType)] : [])]),
            ),
          ),
        )
        .orderBy("target_type")
        .orderBy("target_id")
        .execute();
      return rows.map((row) => ({ type: row.target_type, id: row.target_id }));
    },

    /** Resources that reference the matches through the `_revinclude` parameters. */
    async referencing(specs: IncludeSpec[], targetType: string, targetIds: string[]): Promise<ResourceKey[]> {
      if (specs.length === 0 || targetIds.length === 0) return [];
      const rows = await db
        .selectFrom("fhir_search_reference")
        .select(["resource_type", "id"])
        .distinct()
        .where("target_type", "=", targetType)
        .where("target_id", "in", targetIds)
        .where((eb) => eb.or(specs.map((spec) => eb.and([eb("resource_type", "=", spec.sourceType), eb("param", "=", spec.param)]))))
        .orderBy("resource_type")
        .orderBy("id")
        .execute();
      return rows.map((row) => ({ type: row.resource_type, id: row.id }));
    },
  };
}

function sortExpression(key: ParsedSearch["sort"]["key"]): RawBuilder<unknown> | undefined {
  if (key === "_lastUpdated") return sql`r.last_updated`;
  if (key === "date") return sql`coalesce(r.sort_date, ${missingSortDate})`;
  return undefined;
}

function conditionSql(condition: SearchCondition): RawBuilder<unknown> {
  switch (condition.kind) {
    case "id":
      return sql`r.id in (${sql.join(condition.ids)})`;
    case "lastUpdated":
      // The version time is an instant: the interval [t, t + 1 ms) at the precision JavaScript stores it with.
      return anyOf(condition.tests.map((test) => dateTestSql(test, sql`r.last_updated`, sql`(r.last_updated + interval '1 millisecond')`)));
    case "token":
      return sql`exists (select 1 from fhir_search_token t where t.resource_type = r.resource_type and t.id = r.id and t.param = ${condition.param} and t.value_hash in (${sql.join(condition.hashes)}))`;
    case "date":
      return sql`exists (select 1 from fhir_search_date d where d.resource_type = r.resource_type and d.id = r.id and d.param = ${condition.param} and ${anyOf(condition.tests.map((test) => dateTestSql(test, sql`d.low`, sql`d.high`)))})`;
    case "reference": {
      const targets = condition.targets.map((target) => (target.type ? sql`(x.target_type = ${target.type} and x.target_id = ${target.id})` : sql`x.target_id = ${target.id}`));
      return sql`exists (select 1 from fhir_search_reference x where x.resource_type = r.resource_type and x.id = r.id and x.param = ${condition.param} and ${anyOf(targets)})`;
    }
  }
}

const anyOf = (parts: RawBuilder<unknown>[]) => sql`(${sql.join(parts, sql` or `)})`;

/**
 * A resource's interval [low, high) against a search value's [ql, qh) for each prefix (FHIR R4 search.html#prefix):
 * eq contained, gt/lt reaching beyond either end, ge/le reaching into or beyond, sa/eb wholly after/before.
 */
function dateTestSql(test: DateTest, low: RawBuilder<unknown>, high: RawBuilder<unknown>): RawBuilder<unknown> {
  const ql = new Date(test.low);
  const qh = new Date(test.high);
  switch (test.prefix) {
    case "eq":
      return sql`(${low} >= ${ql} and ${high} <= ${qh})`;
    case "ne":
      return sql`not (${low} >= ${ql} and ${high} <= ${qh})`;
    case "gt":
      return sql`${high} > ${qh}`;
    case "lt":
      return sql`${low} < ${ql}`;
    case "ge":
      return sql`${high} > ${ql}`;
    case "le":
      return sql`${low} < ${qh}`;
    case "sa":
      return sql`${low} >= ${qh}`;
    case "eb":
      return sql`${high} <= ${ql}`;
  }
}
