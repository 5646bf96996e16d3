import type { RecordedAuditEntry } from "../../audit/index.js";
import type { Finding, Rule } from "../types.js";
import { groupBy, isRecordAccess, subjectOf } from "./entry-kinds.js";
import { slidingVolume } from "./sliding-volume.js";

/** Actions that hand many records or entries over at once. */
const exportActions = new Set(["audit.export", "fhir.export", "fhir.bulk_export"]);

/**
 * The security officer reviewing the trail is the work the alerts feed: her audit CSV export raising a high alert
 * against herself, in her own queue, only taught her to dismiss alerts. An export by anyone else (an administrator
 * also may read the trail) still fires, and every export stays in the trail.
 */
const isOfficersReview = (entry: RecordedAuditEntry) => entry.action === "audit.export" && (entry.actor.roles ?? []).includes("security_officer");

/**
 * Data leaving in bulk: an export (audit CSV, FHIR bulk export), or a read volume far above what one person reads
 * at work (every access counted, not distinct patients; counted in buckets, see slidingVolume, so that a heavy but
 * legitimate load such as an import costs the engine a few rows per batch, not a row per read).
 */
export function bulkExport(settings: { reads: number; minutes: number }): Rule {
  const windowMs = settings.minutes * 60_000;
  const rule: Rule = {
    id: "bulk_export",
    severity: "high",
    description: {
      ja: `一括出力、または${settings.minutes}分以内に${settings.reads}件を超える記録の参照がありました。`,
      en: `A bulk export, or more than ${settings.reads} record reads within ${settings.minutes} minutes.`,
    },
    retainMs: windowMs,
    async evaluate(entries, context) {
      const exports = entries.filter((entry) => exportActions.has(entry.action) && entry.outcome === "success" && !isOfficersReview(entry));
      const exportFindings: Finding[] = [...groupBy(exports, subjectOf).values()].map((group) => finding(group));
      const volumeFindings = await slidingVolume(rule.id, entries.filter(isCountedRead), context, { windowMs, atLeast: settings.reads + 1, isCounted: isCountedRead });
      return [...exportFindings, ...volumeFindings];
    },
  };
  return rule;
}

function isCountedRead(entry: RecordedAuditEntry): boolean {
  return isRecordAccess(entry) && entry.outcome === "success";
}

function finding(group: RecordedAuditEntry[]): Finding {
  return { accountId: group[0]!.actor.accountId, ip: group.at(-1)!.network.ip, evidence: group.map((entry) => entry.seq) };
}
