import type { RecordedAuditEntry } from "../audit/index.js";
import type { AuditQueryStore } from "../audit/query-store.js";
import type { WindowStore } from "./store.js";

export type Severity = "low" | "medium" | "high" | "critical";

/** What an alert may trigger automatically (IPS); `none` only raises the alert. */
export type ResponseKind = "none" | "require_step_up" | "revoke_sessions" | "lock_account" | "block_ip";

/** One finding of a rule: who, and which audit entries show it. */
export interface Finding {
  accountId?: string | undefined;
  ip?: string | undefined;
  /** The patient concerned, when the pattern is about one (named in the alert's audit entry, not in the webhook). */
  patientId?: string | undefined;
  /** The seqs of the audit entries that make the pattern. */
  evidence: number[];
  /** When this finding is graver (or lighter) than the rule's usual severity. */
  severity?: Severity | undefined;
}

/**
 * What a rule may look at besides the batch: its windows (in the batch's transaction), the trail before the batch
 * (for evidence the windows keep only as counts) and the watch list.
 */
export interface RuleContext {
  windows: WindowStore;
  trail: Pick<AuditQueryStore, "newestFirst">;
  isWatched(patientId: string): boolean;
}

/** A detection rule over the audit stream (one file per rule under rules/). */
export interface Rule {
  id: string;
  severity: Severity;
  description: { ja: string; en: string };
  /** How long the rule's window rows stay useful; older ones are pruned. */
  retainMs: number;
  /** Evaluates one batch of entries, in seq order; returns what it found. */
  evaluate(entries: readonly RecordedAuditEntry[], context: RuleContext): Promise<Finding[]>;
}

/** Per-rule settings from MAMORI_IDS_<RULE>_* . */
export interface RuleSettings {
  enabled: boolean;
  response: ResponseKind;
  responseMinutes: number;
}
