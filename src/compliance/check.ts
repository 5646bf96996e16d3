import type { Config } from "../config/index.js";
import type { Database } from "../db/index.js";
import type { AccessAction, AccessSubject, AccessTarget, Decision, LoadedPolicy } from "../access/index.js";
import type { Audit } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Clock } from "../kernel/index.js";

/** A control or check status. `unknown` means not (yet) checked: distinct from met, partial and not met. */
export type ComplianceStatus = "met" | "partial" | "not_met" | "unknown";

/** Evidence is figures, dates, settings and ids: never medical content, names or secrets. */
export type Evidence = Record<string, string | number | boolean | null | string[]>;

export interface CheckOutcome {
  status: ComplianceStatus;
  evidence: Evidence;
  /** Why the status is what it is, in English (the report adds the check's own titles). */
  reason: string;
}

/** What a check may look at: the running system, read-only. */
export interface CheckContext {
  config: Readonly<Config>;
  db: Database;
  clock: Clock;
  audit: Pick<Audit, "verify">;
  keyring: Pick<Keyring, "keyStatus">;
  /** The real policy engine (src/access) asked about synthetic principals. */
  decide: (subject: AccessSubject, action: AccessAction, target: AccessTarget) => Decision;
  /** The Cedar policies in force (quoted in the report). */
  policies: readonly LoadedPolicy[];
  /** Where the HTTPS server listens, for the TLS probe. */
  tlsTarget: { host: string; port: number };
}

/**
 * One live check: one file under checks/, registered in checks/index.ts. The id is what catalogue.yaml names in
 * a control's `checks`; a check id with no file is reported as not yet checked.
 */
export interface ComplianceCheck {
  id: string;
  title: { ja: string; en: string };
  run(context: CheckContext): Promise<CheckOutcome>;
}

export const outcome = (status: ComplianceStatus, reason: string, evidence: Evidence = {}): CheckOutcome => ({ status, reason, evidence });
