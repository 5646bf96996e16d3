import { createHmac } from "node:crypto";
import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { createWebhookStore } from "./webhook-store.js";

/**
 * The signature of a webhook message (Standard Webhooks 1.0): HMAC-SHA256 over `id.timestamp.body` with the
 * shared secret, base64, prefixed `v1,`. A `whsec_` secret is base64 as that specification writes it; any other
 * secret is used as its UTF-8 bytes.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice("whsec_".length), "base64") : Buffer.from(secret, "utf8");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}

export interface WebhookRetry {
  initialMs: number;
  maxMs: number;
  maxAttempts: number;
}

const defaultRetry: WebhookRetry = { initialMs: 5_000, maxMs: 3_600_000, maxAttempts: 12 };
const leaseMs = 60_000;
const timeoutMs = 10_000;

/**
 * Delivers queued alerts to the webhook: signed, one POST per alert, retried with capped exponential backoff until
 * a 2xx answer or the attempts run out (then `failed`, visible in the delivery table). Times come from the clock,
 * so retries are tested by moving it.
 */
export function createWebhookDeliverer(deps: { db: Database; clock: Clock; url: string; secret: string; retry?: Partial<WebhookRetry>; pollMs?: number; onError?: (error: unknown) => void }) {
  const retry = { ...defaultRetry, ...deps.retry };
  const pollMs = deps.pollMs ?? 5_000;
  const store = () => createWebhookStore(deps.db.kysely);
  let isStopping = false;
  let running: Promise<void> | undefined;
  let pausing: (() => void) | undefined;

  async function send(delivery: { id: string; body: string }): Promise<{ status?: number; error?: string }> {
    const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
    try {
      const response = await fetch(deps.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": delivery.id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signWebhook(deps.secret, delivery.id, timestamp, delivery.body),
        },
        body: delivery.body,
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return response.ok ? { status: response.status } : { status: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Sends every delivery due now; returns how many were delivered. */
  async function deliverDue(): Promise<number> {
    let delivered = 0;
    const now = deps.clock.now();
    for (const delivery of await store().claim(now, new Date(now.getTime() + leaseMs), 50)) {
      const answer = await send(delivery);
      const at = deps.clock.now();
      if (answer.error === undefined) {
        await store().delivered(delivery.id, answer.status!, at);
        delivered += 1;
        continue;
      }
      const attempts = delivery.attempts + 1;
      const waitMs = Math.min(retry.maxMs, retry.initialMs * 2 ** (attempts - 1));
      await store().failed(delivery.id, { status: answer.status, error: answer.error, nextAttemptAt: attempts >= retry.maxAttempts ? undefined : new Date(at.getTime() + waitMs) });
    }
    return delivered;
  }

  async function run(): Promise<void> {
    while (!isStopping) {
      try {
        await deliverDue();
      } catch (error) {
        deps.onError?.(error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(end, pollMs);
        timer.unref();
        function end() {
          clearTimeout(timer);
          pausing = undefined;
          resolve();
        }
        pausing = end;
      });
    }
  }

  return {
    deliverDue,
    start() {
      running ??= run();
    },
    wake() {
      pausing?.();
    },
    async stop() {
      isStopping = true;
      pausing?.();
      await running;
    },
  };
}

export type WebhookDeliverer = ReturnType<typeof createWebhookDeliverer>;
