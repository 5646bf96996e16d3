import https from "node:https";
import argon2 from "argon2";
import Fastify from "fastify";
import { generate, verify } from "otplib";
import { tlsOptions } from "../src/http/index.js";
import type { Clock } from "../src/kernel/index.js";
import type { SignedInUser, TestApp } from "../src/testing/index.js";
import { quantile } from "./load.js";

/** A clock a benchmark can move forward by hand. */
export type SteppingClock = Clock & { advance(ms: number): void };

/**
 * The system clock plus a forward offset: time passes as usual between steps, so session, audit and rate-limit
 * times stay real, and `advance` jumps to a fresh TOTP time step without waiting 30 s for one.
 */
export function createSteppingClock(): SteppingClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms: number) => {
      offsetMs += ms;
    },
  };
}

export interface SignInFigures {
  /** Sign-ins measured on each side. */
  count: number;
  ours: { medianMs: number; p99Ms: number };
  bare: { medianMs: number; p99Ms: number };
}

/**
 * Password + TOTP sign-in latency through Mamori's endpoints (POST /api/auth/login, then /api/auth/totp/verify),
 * beside a bare Fastify over the same TLS material doing the same argon2id verify (the app's parameters) and TOTP
 * check, alternated so both see the same machine load. Each side opens fresh TLS connections, as a browser
 * signing in does. A code is accepted once, so the clock moves one 30 s time step (RFC 6238 §4) per sign-in.
 * @throws Error when a sign-in on either side does not succeed.
 */
export async function measureSignIns(app: TestApp, user: SignedInUser, clock: SteppingClock, count: number): Promise<SignInFigures> {
  const hash = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: app.config.password.argon2MemoryKiB, timeCost: app.config.password.argon2Iterations });
  const epoch = () => Math.floor(clock.now().getTime() / 1000);
  const bare = Fastify({ https: { key: app.mamori.tls.key, cert: app.mamori.tls.cert, ...tlsOptions } });
  bare.post<{ Body: { password?: string; code?: string } }>("/login", async (request) => {
    const ok = (await argon2.verify(hash, request.body.password ?? "")) && (await verify({ secret: user.totpSecret, token: request.body.code ?? "", epoch: epoch() })).valid;
    return { ok };
  });
  await bare.listen({ host: "127.0.0.1", port: 0 });
  const bareUrl = `https://127.0.0.1:${(bare.server.address() as { port: number }).port}/login`;
  const agent = new https.Agent({ ca: app.mamori.tls.cert, servername: "localhost", keepAlive: false });

  const ours: number[] = [];
  const bareLatencies: number[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      clock.advance(30_000);
      const browser = app.client();
      const started = performance.now();
      const login = await browser.post("/api/auth/login", { email: user.email, password: user.password });
      const totp = await browser.post("/api/auth/totp/verify", { code: await user.totpCode() });
      ours.push(performance.now() - started);
      if (login.status !== 200 || totp.json?.stage !== "active") throw new Error(`sign-in failed: ${login.status} ${totp.status} ${totp.text}`);

      const body = JSON.stringify({ password: user.password, code: await generate({ secret: user.totpSecret, epoch: epoch() }) });
      const bareStarted = performance.now();
      const answer = await postJson(bareUrl, body, agent);
      bareLatencies.push(performance.now() - bareStarted);
      if (!answer.includes("true")) throw new Error(`bare sign-in failed: ${answer}`);
    }
  } finally {
    agent.destroy();
    await bare.close();
  }
  const summary = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { medianMs: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
  };
  return { count, ours: summary(ours), bare: summary(bareLatencies) };
}

function postJson(url: string, body: string, agent: https.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
    request.on("error", reject);
    request.end(body);
  });
}
