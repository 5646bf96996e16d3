import { sql } from "kysely";
import { outcome, type ComplianceCheck } from "../check.js";

/** How many of the most recently written resources the check walks for gaps in their version sequence. */
const sampleSize = 1000;

/**
 * TRU-1: records are versioned, never overwritten, and each version names its author. Live evidence: the database
 * itself refuses changes and deletions of stored versions (trigger), and the most recent resources have an unbroken
 * version sequence 1..n with an author on every version.
 */
export const fhirVersioning: ComplianceCheck = {
  id: "fhir.versioning",
  title: { ja: "診療記録の版管理（上書き禁止・作成者記録）", en: "Record versioning (no overwrite, author recorded)" },
  async run({ db }) {
    const trigger = await sql<{ n: number }>`
      select count(*)::int as n from pg_trigger where tgname = 'fhir_version_immutable' and tgenabled <> 'D'`.execute(db.kysely);
    const sample = await sql<{ resources: number; broken: number; versions: number; without_author: number }>`
      with recent as (
        select resource_type, id from fhir_resource_version order by last_updated desc limit ${sampleSize}
      ), per_resource as (
        select v.resource_type, v.id, count(*) as versions, max(v.version) as latest, count(*) filter (where v.author_id is null) as without_author
        from fhir_resource_version v join (select distinct resource_type, id from recent) r using (resource_type, id)
        group by v.resource_type, v.id
      )
      select count(*)::int as resources, count(*) filter (where versions <> latest)::int as broken,
             coalesce(sum(versions), 0)::int as versions, coalesce(sum(without_author), 0)::int as without_author
      from per_resource`.execute(db.kysely);
    const row = sample.rows[0]!;
    const evidence = { immutabilityTrigger: trigger.rows[0]!.n > 0, resourcesSampled: row.resources, versionsSampled: row.versions, brokenSequences: row.broken, versionsWithoutAuthor: row.without_author };
    if (!evidence.immutabilityTrigger) return outcome("not_met", "the database does not refuse changes to stored versions", evidence);
    if (row.broken > 0 || row.without_author > 0) return outcome("not_met", "some resources have missing versions or versions without an author", evidence);
    return outcome("met", "versions are append-only in the database and every sampled version has its author", evidence);
  },
};
