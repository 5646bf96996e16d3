import type { Role } from "../../shared/api/session.js";
import { actorOf, csvCell, type Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, newId, type Clock, type Principal } from "../kernel/index.js";
import { createAccessReviewStore, type ReviewRecordRow } from "./access-review-store.js";
import { createLifecycleStore } from "./lifecycle-store.js";
import type { Lockout } from "./lockout.js";

export type ReviewAction = "read_access_review" | "record_access_review" | "read_accounts";

export interface AccountReviewRow {
  id: string;
  displayName: string;
  email: string;
  kind: "staff" | "patient";
  roles: Role[];
  status: "active" | "disabled";
  createdAt: Date;
  lastSignInAt: Date | undefined;
  secondFactors: string[];
  failedAttempts: number;
  lockedUntil: Date | undefined;
}

export interface AccessReport {
  generatedAt: Date;
  accounts: AccountReviewRow[];
  lastReview: ReviewRecordRow | undefined;
}

/**
 * The periodic access review (AUTH-7; MHLW 運用編: 利用者の登録・権限の定期的な見直し): who holds which role, whether
 * the account is used, which second factors protect it and whether it is locked; and the record that a review
 * took place. The same listing backs the administrators' account list.
 */
export function createAccessReview(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  lockout: Lockout;
  may: (principal: Principal, action: ReviewAction) => { allowed: boolean; reasonCode: string };
}) {
  const { db, audit, clock } = deps;

  async function authorize(principal: Principal, action: ReviewAction, auditAction: string): Promise<void> {
    const decision = deps.may(principal, action);
    const entry = { action: auditAction, actor: actorOf(principal), resource: { type: "AccessReview" }, network: principal.network, reasonCode: decision.reasonCode };
    if (!decision.allowed) {
      await audit.record({ ...entry, outcome: "denied" });
      throw new AppError("access.denied", { detail: decision.reasonCode });
    }
    await audit.record({ ...entry, outcome: "success" });
  }

  async function build(): Promise<AccessReport> {
    const accounts = await createLifecycleStore(db.kysely).accounts();
    const reviews = createAccessReviewStore(db.kysely);
    const factors = await reviews.secondFactors();
    const locks = await deps.lockout.states(accounts.map((account) => account.email));
    return {
      generatedAt: clock.now(),
      lastReview: await reviews.lastReview(),
      accounts: accounts.map((account) => ({
        id: account.id,
        displayName: account.displayName,
        email: account.email,
        kind: account.kind,
        roles: account.roles,
        status: account.status,
        createdAt: account.createdAt,
        lastSignInAt: account.lastSignInAt ?? undefined,
        secondFactors: factors.get(account.id) ?? [],
        failedAttempts: locks.get(account.email)?.failures ?? 0,
        lockedUntil: locks.get(account.email)?.lockedUntil,
      })),
    };
  }

  return {
    /** The report for the security officer and administrators; audited. @throws {AppError} `access.denied`. */
    async report(principal: Principal, format: "json" | "csv"): Promise<AccessReport> {
      await authorize(principal, "read_access_review", format === "csv" ? "identity.access_review_export" : "identity.access_review_read");
      return build();
    },
    /** The administrators' account list (same rows); audited. @throws {AppError} `access.denied`. */
    async listAccounts(principal: Principal): Promise<AccessReport> {
      await authorize(principal, "read_accounts", "identity.accounts_read");
      return build();
    },
    /** Records that the principal reviewed the accounts today, with a note. @throws {AppError} `access.denied`. */
    async record(principal: Principal, note: string): Promise<void> {
      const decision = deps.may(principal, "record_access_review");
      const id = newId();
      const entry = { action: "identity.access_review_record", actor: actorOf(principal), resource: { type: "AccessReview", id }, network: principal.network, reasonCode: decision.reasonCode };
      if (!decision.allowed) {
        await audit.record({ ...entry, outcome: "denied" });
        throw new AppError("access.denied", { detail: decision.reasonCode });
      }
      await db.kysely.transaction().execute(async (trx) => {
        await createAccessReviewStore(trx).insertReview({ id, reviewedBy: principal.accountId, reviewedAt: clock.now(), note });
        await audit.recordWithin(trx, { ...entry, outcome: "success" });
      });
    },
  };
}

/** The report as CSV (RFC 4180, UTF-8 with BOM for Excel, cells neutralised against formula injection). */
export function accessReportCsv(report: AccessReport): string {
  const header = ["account_id", "display_name", "email", "kind", "roles", "status", "created_at", "last_sign_in_at", "second_factors", "failed_attempts", "locked_until"];
  const lines = [header, ...report.accounts.map((row) => [
    row.id,
    row.displayName,
    row.email,
    row.kind,
    row.roles.join(" "),
    row.status,
    row.createdAt.toISOString(),
    row.lastSignInAt?.toISOString() ?? "",
    row.secondFactors.join(" "),
    String(row.failedAttempts),
    row.lockedUntil?.toISOString() ?? "",
  ])];
  return "\uFEFF" + lines.map((cells) => `${cells.map(csvCell).join(",")}\r\n`).join("");
}

export type AccessReview = ReturnType<typeof createAccessReview>;
