import type { Audit } from "../audit/index.js";
import type { Executor } from "../db/index.js";
import { newId } from "../kernel/index.js";
import { applyResponse, engineActor, engineNetwork } from "./responses.js";
import { createAlertStore } from "./store.js";
import type { Finding, Rule, RuleSettings } from "./types.js";
import { createWebhookStore } from "./webhook-store.js";

// An alert keeps at most this many evidence seqs; the trail holds the rest around them.
const maxEvidence = 1000;

/**
 * Turns a finding into an alert inside the batch's transaction: a new alert when none is live for the rule and
 * subject (audited `ids.alert`, queued for the webhook, answered by the rule's response), otherwise the live
 * alert gains the new evidence.
 */
export async function raiseAlert(
  executor: Executor,
  deps: { audit: Pick<Audit, "recordWithin">; signInStepMs: number; hasWebhook: boolean },
  rule: Rule,
  settings: RuleSettings,
  finding: Finding,
  now: Date,
): Promise<{ alertId: string; isNew: boolean }> {
  const alerts = createAlertStore(executor);
  const subject = finding.accountId ?? `ip:${finding.ip ?? "unknown"}`;
  const live = await alerts.live(rule.id, subject);
  if (live) {
    const evidence = [...new Set([...live.evidence, ...finding.evidence])].sort((a, b) => a - b).slice(-maxEvidence);
    if (evidence.length !== live.evidence.length || evidence.some((seq, i) => seq !== live.evidence[i])) await alerts.setEvidence(live.id, evidence, now);
    return { alertId: live.id, isNew: false };
  }
  const alertId = newId();
  const evidence = finding.evidence.slice(-maxEvidence);
  const severity = finding.severity ?? rule.severity;
  await alerts.insert({ id: alertId, ruleId: rule.id, severity, accountId: finding.accountId, ip: finding.ip, subject, evidence, state: "open", openedAt: now });
  await deps.audit.recordWithin(executor, {
    action: "ids.alert",
    outcome: "success",
    reasonCode: `ids.${rule.id}`,
    actor: engineActor,
    resource: { type: "IdsAlert", id: alertId },
    patientId: finding.patientId,
    network: engineNetwork,
  });
  if (deps.hasWebhook) {
    // Identifiers and the rule only: no patient, no medical content (the receiver looks the rest up here).
    const body = JSON.stringify({
      type: "ids.alert.opened",
      timestamp: now.toISOString(),
      data: { alertId, ruleId: rule.id, severity, accountId: finding.accountId ?? null, ip: finding.ip ?? null, evidenceSeqs: evidence, response: settings.response },
    });
    await createWebhookStore(executor).enqueue({ id: newId(), alertId, body, at: now });
  }
  await applyResponse(executor, deps, settings.response, settings.responseMinutes, { alertId, ruleId: rule.id, accountId: finding.accountId, ip: finding.ip }, now);
  return { alertId, isNew: true };
}
