import Fastify from "fastify";
import type { Logger } from "pino";
import type { Config } from "../config/index.js";
import { isDatabaseUnavailable } from "../db/index.js";
import { loadTlsMaterial, sendError, tlsOptions, type TlsMaterial } from "../http/index.js";
import { AppError } from "../kernel/index.js";
import { createLogger, createMamori, type Mamori, type MamoriOptions } from "../main.js";

/** How often start-up tries the database again: doubling from the first delay up to the longest. */
export interface StartRetry {
  firstDelayMs: number;
  maxDelayMs: number;
}

const defaultRetry: StartRetry = { firstDelayMs: 500, maxDelayMs: 15_000 };

/**
 * Starts the service and has it listen. When PostgreSQL cannot be reached, the node does not exit: it listens at
 * once with a holding server (live 200, ready 503 naming the database, every other request 503
 * database.unavailable) and tries again with backoff; once the database answers, start-up runs in full (migrations,
 * key ring, OIDC keys, audit writer and its checkpoints, background loops) and the service takes over the port,
 * without a restart. Errors that waiting cannot mend (a refused password, a broken migration) still end the start.
 */
export async function startService(
  config: Readonly<Config>,
  options: { logger?: Logger; mamori?: MamoriOptions; retry?: StartRetry; onHolding?: (tls: TlsMaterial) => void } = {},
): Promise<Mamori> {
  const logger = options.logger ?? createLogger(config);
  let holding: { close(): Promise<void> } | undefined;
  try {
    const { value: mamori, attempts } = await retryWhileDatabaseUnavailable(() => createMamori(config, { ...options.mamori, logger }), {
      logger,
      retry: options.retry,
      message: "database unreachable at start; answering 503 and trying again",
      // The embedded database is in this process: waiting cannot bring it back.
      canWait: () => Boolean(config.databaseUrl),
      async beforeWait() {
        if (holding) return;
        const tls = await loadTlsMaterial(config);
        holding = await listenHolding(config, tls);
        options.onHolding?.(tls);
      },
    });
    try {
      await holding?.close();
      holding = undefined;
      await mamori.app.listen({ host: config.host, port: config.port });
    } catch (error) {
      await mamori.close();
      throw error;
    }
    if (attempts > 1) logger.info({ attempt: attempts }, "database reachable; service started");
    return mamori;
  } finally {
    await holding?.close();
  }
}

/**
 * Runs a start-up step that reads the database (issuing the setup link) until the database answers, for a database
 * that went away again between start-up and this step.
 */
export async function untilDatabaseAnswers<T>(step: () => Promise<T>, logger: Logger, retry: StartRetry = defaultRetry): Promise<T> {
  return (await retryWhileDatabaseUnavailable(step, { logger, retry, message: "database unreachable; trying again" })).value;
}

/**
 * Runs `step` until it does not fail for want of the database, waiting between tries from the first delay, doubling
 * up to the longest, each varied by ±20 % so that nodes which lost the same database do not come back in step. Any
 * other error, or one `canWait` refuses, ends the tries. Each wait is logged with the driver's code or the error's
 * type only: the message would carry the server's address.
 */
async function retryWhileDatabaseUnavailable<T>(
  step: () => Promise<T>,
  options: { logger: Logger; retry?: StartRetry | undefined; message: string; canWait?: () => boolean; beforeWait?: () => Promise<void> },
): Promise<{ value: T; attempts: number }> {
  const retry = options.retry ?? defaultRetry;
  for (let attempt = 1, delayMs = retry.firstDelayMs; ; attempt += 1, delayMs = Math.min(delayMs * 2, retry.maxDelayMs)) {
    try {
      return { value: await step(), attempts: attempt };
    } catch (error) {
      if (!isDatabaseUnavailable(error) || options.canWait?.() === false) throw error;
      await options.beforeWait?.();
      const waitMs = Math.round(delayMs * (0.8 + Math.random() * 0.4));
      options.logger.warn({ attempt, retryInMs: waitMs, reason: reasonOf(error) }, options.message);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.name : typeof error;
}

/**
 * The port's answer while the database is away: the same TLS, liveness without the database (so an orchestrator does
 * not restart the node), readiness failing on `database`, and the service's own 503 body (an OperationOutcome under
 * /fhir) for everything else. No session, record or log line is touched.
 */
async function listenHolding(config: Readonly<Config>, tls: TlsMaterial): Promise<{ close(): Promise<void> }> {
  const app = Fastify({ https: { key: tls.key, cert: tls.cert, ...tlsOptions }, logger: false, requestIdHeader: false, forceCloseConnections: true });
  app.get("/health/live", async (_request, reply) => {
    void reply.header("cache-control", "no-store");
    return { status: "live" };
  });
  app.get("/health/ready", async (_request, reply) => {
    void reply.code(503).header("cache-control", "no-store");
    return { status: "not_ready", failing: ["database"] };
  });
  app.setNotFoundHandler((request, reply) => sendError(new AppError("database.unavailable", { retryAfterSeconds: 5 }), request, reply));
  await app.listen({ host: config.host, port: config.port });
  return { close: () => app.close() };
}
