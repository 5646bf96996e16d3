import type { Audit } from "../audit/index.js";
import type { Executor } from "../db/index.js";
import { newId } from "../kernel/index.js";
import { sessionControls } from "../session/index.js";
import { createRestrictionStore } from "./restriction-store.js";
import type { ResponseKind } from "./types.js";

/** Who the engine acts as in the audit trail. */
export const engineActor = { client: "mamori-ids" } as const;
export const engineNetwork = { ip: "127.0.0.1", userAgent: "mamori-ids" } as const;

export interface ResponseTarget {
  alertId: string;
  ruleId: string;
  accountId: string | undefined;
  ip: string | undefined;
}

/**
 * Carries out an automatic response (IPS) in the alert's transaction and audits it (`ids.response`). A response
 * that has no subject to act on (an account response without an account) is audited as a failure, not skipped.
 */
export async function applyResponse(
  executor: Executor,
  deps: { audit: Pick<Audit, "recordWithin">; signInStepMs: number },
  kind: ResponseKind,
  minutes: number,
  target: ResponseTarget,
  now: Date,
): Promise<void> {
  if (kind === "none") return;
  const sessions = sessionControls(executor, { signInStepMs: deps.signInStepMs });
  const until = new Date(now.getTime() + minutes * 60_000);
  let resource: { type: string; id?: string } | undefined;
  let outcome: "success" | "failure" = "success";
  if (kind === "block_ip") {
    if (target.ip === undefined) outcome = "failure";
    else {
      const id = newId();
      await createRestrictionStore(executor).insert({ id, kind: "ip", subject: target.ip, createdAt: now, until, reason: target.ruleId, alertId: target.alertId });
      resource = { type: "IdsRestriction", id };
    }
  } else if (target.accountId === undefined) {
    outcome = "failure";
  } else if (kind === "require_step_up") {
    await sessions.requireStepUp(target.accountId, now);
  } else if (kind === "revoke_sessions") {
    await sessions.endAll(target.accountId, "ids.sessions_revoked", now);
  } else {
    const id = newId();
    await createRestrictionStore(executor).insert({ id, kind: "account", subject: target.accountId, createdAt: now, until, reason: target.ruleId, alertId: target.alertId });
    await sessions.endAll(target.accountId, "ids.account_locked", now);
    resource = { type: "IdsRestriction", id };
  }
  await deps.audit.recordWithin(executor, {
    action: "ids.response",
    outcome,
    reasonCode: `ids.${kind}`,
    actor: engineActor,
    resource: resource ?? { type: "IdsAlert", id: target.alertId },
    network: engineNetwork,
  });
}
