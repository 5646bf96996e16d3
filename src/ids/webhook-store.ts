import type { Executor } from "../db/index.js";

type WebhookTables = {
  ids_webhook_delivery: {
    id: string;
    alert_id: string;
    body: string;
    state: "pending" | "delivered" | "failed";
    attempts: number;
    next_attempt_at: Date;
    last_status: number | null;
    last_error: string | null;
    delivered_at: Date | null;
    created_at: Date;
  };
};

export interface Delivery {
  id: string;
  alertId: string;
  body: string;
  attempts: number;
}

/** The webhook outbox: deliveries written with their alert, sent and retried by the deliverer. */
export function createWebhookStore(executor: Executor) {
  const db = executor.withTables<WebhookTables>();
  return {
    async enqueue(delivery: { id: string; alertId: string; body: string; at: Date }): Promise<void> {
      await db
        .insertInto("ids_webhook_delivery")
        .values({ id: delivery.id, alert_id: delivery.alertId, body: delivery.body, state: "pending", attempts: 0, next_attempt_at: delivery.at, created_at: delivery.at })
        .execute();
    },
    /**
     * Claims pending deliveries due at `now`, oldest first, by moving their next attempt to `leaseUntil`: a second
     * node (or a crash mid-send) leaves them to be tried again after the lease, never twice at once.
     */
    async claim(now: Date, leaseUntil: Date, limit: number): Promise<Delivery[]> {
      const due = db
        .selectFrom("ids_webhook_delivery")
        .select("id")
        .where("state", "=", "pending")
        .where("next_attempt_at", "<=", now)
        .orderBy("next_attempt_at")
        .limit(limit)
        .forUpdate()
        .skipLocked();
      const rows = await db.updateTable("ids_webhook_delivery").set({ next_attempt_at: leaseUntil }).where("id", "in", due).returning(["id", "alert_id", "body", "attempts"]).execute();
      return rows.map((row) => ({ id: row.id, alertId: row.alert_id, body: row.body, attempts: row.attempts }));
    },
    async delivered(id: string, status: number, at: Date): Promise<void> {
      await db.updateTable("ids_webhook_delivery").set((eb) => ({ state: "delivered", attempts: eb("attempts", "+", 1), last_status: status, last_error: null, delivered_at: at })).where("id", "=", id).execute();
    },
    async failed(id: string, failure: { status: number | undefined; error: string; nextAttemptAt: Date | undefined }): Promise<void> {
      await db
        .updateTable("ids_webhook_delivery")
        .set((eb) => ({
          state: failure.nextAttemptAt ? "pending" : "failed",
          attempts: eb("attempts", "+", 1),
          last_status: failure.status ?? null,
          last_error: failure.error.slice(0, 500),
          ...(failure.nextAttemptAt ? { next_attempt_at: failure.nextAttemptAt } : {}),
        }))
        .where("id", "=", id)
        .execute();
    },
    async byAlert(alertId: string): Promise<Array<{ state: string; attempts: number; lastStatus: number | null }>> {
      const rows = await db.selectFrom("ids_webhook_delivery").select(["state", "attempts", "last_status"]).where("alert_id", "=", alertId).execute();
      return rows.map((row) => ({ state: row.state, attempts: row.attempts, lastStatus: row.last_status }));
    },
  };
}
