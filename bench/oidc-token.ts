/**
 * OpenID Connect provider figures, each beside a baseline measured in the same run over the same HTTPS stack:
 *   token   refresh-grant requests/s at concurrency 10 (rotation: each request stores a new refresh token, consumes
 *           the old one, issues an access token, audits) vs a bare Fastify endpoint answering an HMAC of the body
 *   login   median latency of a password + TOTP sign-in vs a bare Fastify endpoint doing the same argon2id verify
 *           and TOTP check (bench/sign-in.ts)
 * Run: npx tsx bench/oidc-token.ts (DATABASE_URL=… for PostgreSQL). BENCH_OIDC_SECONDS (default 10).
 */
import { createHmac } from "node:crypto";
import https from "node:https";
import Fastify from "fastify";
import { createManualClock } from "../src/kernel/index.js";
import { freePort } from "../src/testing/free-port.js";
import { startTestApp } from "../src/testing/index.js";
import { authorize, registerClient, relyingParty } from "../test/oidc-helpers.js";
import * as oidcClient from "openid-client";
import { measureSignIns } from "./sign-in.js";

const seconds = Number(process.env["BENCH_OIDC_SECONDS"] ?? 10);
const concurrency = 10;
const clock = createManualClock(new Date());
const app = await startTestApp({ clock });
const agent = new https.Agent({ ca: app.mamori.tls.cert, servername: "localhost", keepAlive: true, maxSockets: concurrency });

function post(baseUrl: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(new URL(path, baseUrl), { method: "POST", agent, headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

async function rate(run: (worker: number) => Promise<void>): Promise<number> {
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        await run(worker);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

// A bare Fastify over the same TLS material: the floor any endpoint pays for HTTPS, routing and a body.
const bare = Fastify({ https: { key: app.mamori.tls.key, cert: app.mamori.tls.cert } });
bare.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => done(null, body));
const hmacKey = Buffer.alloc(32, 7);
bare.post("/hmac", async (request) => ({ mac: createHmac("sha256", hmacKey).update(String(request.body)).digest("base64url") }));
const barePort = await freePort();
const bareUrl = `https://127.0.0.1:${barePort}`;

try {
  const admin = await app.signedInUser("admin");
  const doctor = await app.signedInUser("doctor");
  const registered = await registerClient(admin);
  const rp = await relyingParty(app, registered);
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(registered.clientId)}:${encodeURIComponent(registered.clientSecret!)}`).toString("base64")}`;

  const refreshTokens: string[] = [];
  for (let worker = 0; worker < concurrency; worker += 1) {
    const { callback, verifier, state } = await authorize(doctor.client, rp, "openid offline_access user/*.cruds");
    const tokens = await oidcClient.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state });
    refreshTokens.push(tokens.refresh_token!);
  }

  await bare.listen({ host: "127.0.0.1", port: barePort });

  const providerRate = await rate(async (worker) => {
    const response = await post(app.baseUrl, "/oidc/token", `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshTokens[worker]!)}`, { authorization: basic });
    if (response.status !== 200) throw new Error(`refresh failed: ${response.status} ${response.text}`);
    refreshTokens[worker] = (JSON.parse(response.text) as { refresh_token: string }).refresh_token;
  });
  const hmacRate = await rate(async () => {
    const response = await post(bareUrl, "/hmac", "grant_type=refresh_token&refresh_token=x");
    if (response.status !== 200) throw new Error(`bare failed: ${response.status}`);
  });

  const signIns = await measureSignIns(app, doctor, clock, 30);

  console.log(`\nOpenID Connect provider, ${app.config.databaseUrl ? "postgresql" : "pglite"}, ${seconds} s per rate, argon2id ${app.config.password.argon2MemoryKiB} KiB × ${app.config.password.argon2Iterations}\n`);
  console.log("figure                                   | Mamori      | baseline    | ratio");
  console.log(`token endpoint, refresh grant, c=10 req/s | ${providerRate.toFixed(0).padStart(11)} | ${hmacRate.toFixed(0).padStart(11)} | ${(providerRate / hmacRate).toFixed(3)}`);
  console.log(`sign-in password + TOTP, median ms        | ${signIns.ours.medianMs.toFixed(1).padStart(11)} | ${signIns.bare.medianMs.toFixed(1).padStart(11)} | ${(signIns.ours.medianMs / signIns.bare.medianMs).toFixed(2)}`);
} finally {
  agent.destroy();
  await bare.close();
  await app.close();
}
