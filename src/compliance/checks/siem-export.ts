import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

/** LOG-5: a SIEM sink is configured and its acknowledged cursor is close to the head of the audit chain. */
export const siemExport: ComplianceCheck = {
  id: "siem.export",
  title: { ja: "SIEM連携と遅延", en: "SIEM export and lag" },
  async run({ db, config }) {
    const sinks = [...(config.siem.file ? ["file"] : []), ...(config.siem.syslog ? ["syslog"] : [])];
    if (sinks.length === 0) return outcome("not_met", "no SIEM export is configured (MAMORI_SIEM_FILE, MAMORI_SIEM_SYSLOG_URL)", { sinks: [] });
    const store = createComplianceStore(db.kysely);
    const headSeq = await store.chainHeadSeq();
    const cursors = await store.exportCursors();
    const lags = Object.fromEntries(
      cursors.filter((cursor) => sinks.some((sink) => cursor.sink.startsWith(sink))).map((cursor) => [`lag:${cursor.sink}`, headSeq - cursor.seq]),
    );
    const worst = Object.values(lags).length === 0 ? headSeq : Math.max(...Object.values(lags));
    const evidence = { sinks, headSeq, maxLag: config.compliance.siemMaxLag, worstLag: worst, ...lags };
    return worst <= config.compliance.siemMaxLag ? outcome("met", "SIEM export configured and current", evidence) : outcome("partial", "SIEM export configured but behind", evidence);
  },
};
