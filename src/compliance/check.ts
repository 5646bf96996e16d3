import type { Config } from "../config/index.js";
import type { Database } from "../db/index.js";
import type { AccessAction, AccessSubject, AccessTarget, Decision, LoadedPolicy, RecordAuthorizer } from "../access/index.js";
import type { Audit } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Clock, Principal } from "../kernel/index.js";
import type { NetworkAllowLists } from "../access/index.js";
import type { DependencyAuditResult, DetectedVersion, EolTable, SbomSummary } from "../supply-chain/index.js";

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
  /** The real record authorizer (src/access) asked about synthetic principals; its preview never uses a grant. */
  recordAuthorizer: (principal: Principal) => Pick<RecordAuthorizer, "preview">;
  /** The Cedar policies in force (quoted in the report). */
  policies: readonly LoadedPolicy[];
  /** Where the HTTPS server listens, for the TLS probe. */
  tlsTarget: { host: string; port: number };
  /** The networks administrators and security officers may act from, as the policy engine applies them. */
  networks: NetworkAllowLists;
  /**
   * Supply-chain evidence (src/supply-chain), read-only: a check reads the SBOM file as it is and never
   * regenerates it (`mamori sbom` does), so a stale or missing SBOM shows in the report.
   */
  supplyChain: {
    /** The SBOM file's summary; undefined when there is no file. @throws {Error} when it is not CycloneDX JSON. */
    sbom(): Promise<SbomSummary | undefined>;
    sbomMaxAgeMs: number;
    /** Versions of the runtime, the database server and the tracked packages installed here. */
    installedVersions(): Promise<DetectedVersion[]>;
    /** The end-of-life table in force (eol-data.json). */
    eolTable: EolTable;
    /** The recorded dependency audit result; undefined when none was recorded. @throws {Error} when unreadable. */
    dependencyAudit(): Promise<DependencyAuditResult | undefined>;
    dependencyAuditMaxAgeMs: number;
    /** SHA-256 of the installed package-lock.json, which the recorded audit must match. */
    lockfileSha256(): Promise<string | undefined>;
  };
  /** Refresh-token rotation and reuse detection as the OAuth provider (src/identity/oidc) is built with them. */
  refreshTokenPolicy: { rotation: boolean; reuseRevokesGrant: boolean; reuseAuditAction: string };
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
