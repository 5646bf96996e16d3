import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

const severities = ["critical", "high", "medium", "low"] as const;

/**
 * LOG-4: intrusion detection alerts are looked at. An alert still open (not acknowledged nor closed) after
 * MAMORI_COMPLIANCE_ALERT_MAX_AGE_HOURS is not met; open but younger is partial; none open is met. Acknowledged alerts
 * are being handled and are counted as evidence only.
 */
export const idsAlertsHandled: ComplianceCheck = {
  id: "ids.alerts_handled",
  title: { ja: "侵入検知アラートへの対応", en: "Intrusion detection alerts handled" },
  async run({ config, db, clock }) {
    const maxAgeMs = config.compliance.alertMaxAgeMs;
    const cutoff = clock.now().getTime() - maxAgeMs;
    const live = await createComplianceStore(db.kysely).liveIdsAlerts();
    const open = live.filter((alert) => alert.state === "open");
    const overdue = open.filter((alert) => alert.openedAt.getTime() < cutoff);
    const bySeverity = (alerts: typeof open) => Object.fromEntries(severities.map((severity) => [severity, alerts.filter((alert) => alert.severity === severity).length]));
    const counts = (prefix: string, alerts: typeof open) => Object.fromEntries(Object.entries(bySeverity(alerts)).map(([severity, n]) => [`${prefix}:${severity}`, n]));
    const evidence = {
      maxAgeHours: maxAgeMs / 3_600_000,
      open: open.length,
      acknowledged: live.length - open.length,
      overdue: overdue.length,
      ...counts("overdue", overdue),
      ...(open.length > 0 ? { oldestOpenedAt: new Date(Math.min(...open.map((alert) => alert.openedAt.getTime()))).toISOString() } : {}),
    };
    const listed = (alerts: typeof open) => Object.entries(bySeverity(alerts)).filter(([, n]) => n > 0).map(([severity, n]) => `${n} ${severity}`).join(", ");
    if (overdue.length > 0) return outcome("not_met", `alerts open longer than ${evidence.maxAgeHours} h: ${listed(overdue)}`, evidence);
    if (open.length > 0) return outcome("partial", `alerts open, within ${evidence.maxAgeHours} h: ${listed(open)}`, evidence);
    return outcome("met", "no intrusion detection alert waits for a security officer", evidence);
  },
};
