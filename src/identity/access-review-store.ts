import { sql } from "kysely";
import type { Executor } from "../db/index.js";

type ReviewTables = {
  identity_totp: { account_id: string; confirmed_at: Date | null };
  identity_access_review: { id: string; reviewed_by: string; reviewed_at: Date; note: string };
  identity_account: { id: string; display_name: string };
};

export interface ReviewRecordRow {
  reviewedBy: string;
  reviewerName: string | undefined;
  reviewedAt: Date;
  note: string;
}

/** SQL of the access review: enrolled second factors and the recorded reviews. */
export function createAccessReviewStore(executor: Executor) {
  const db = executor.withTables<ReviewTables>();
  return {
    /**
     * Each account's enrolled second factors. Another factor's table joins the listing with one more
     * `.unionAll(...)` selecting its account id and factor name.
     */
    async secondFactors(): Promise<Map<string, string[]>> {
      const rows = await db
        .selectFrom("identity_totp")
        .select(["account_id", sql<string>`'totp'`.as("factor")])
        .where("confirmed_at", "is not", null)
        .execute();
      const byAccount = new Map<string, string[]>();
      for (const row of rows) byAccount.set(row.account_id, [...(byAccount.get(row.account_id) ?? []), row.factor]);
      return byAccount;
    },
    async insertReview(row: { id: string; reviewedBy: string; reviewedAt: Date; note: string }): Promise<void> {
      await db.insertInto("identity_access_review").values({ id: row.id, reviewed_by: row.reviewedBy, reviewed_at: row.reviewedAt, note: row.note }).execute();
    },
    async lastReview(): Promise<ReviewRecordRow | undefined> {
      const row = await db
        .selectFrom("identity_access_review as r")
        .leftJoin("identity_account as a", "a.id", "r.reviewed_by")
        .select(["r.reviewed_by", "r.reviewed_at", "r.note", "a.display_name"])
        .orderBy("r.reviewed_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row && { reviewedBy: row.reviewed_by, reviewerName: row.display_name ?? undefined, reviewedAt: row.reviewed_at, note: row.note };
    },
  };
}
