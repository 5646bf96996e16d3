import https from "node:https";

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /** Status and start of the body of the first failed request, to say why when `failures` is not 0. */
  firstFailure: string | undefined;
  /** Every latency, ascending, so runs in segments can be merged (mergeResults). */
  latenciesMs: number[];
}

/** One request of a load run: a GET unless a method is given; `body` is sent as is, with the headers given. */
export interface LoadRequest {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Sends `total` requests over `concurrency` keep-alive HTTPS connections to loopback and measures each one, body
 * included. A request fails when its status is not `expect` (default 200), when `check` refuses its body, when the
 * connection breaks, or when no answer comes within `timeoutMs` (default 30 s), so a stalled server ends the run
 * with failures instead of hanging it. With `maxSeconds`, no request starts after that time, so fewer than `total`
 * may be sent (see `requests`). Bounded in count; the target is always this machine.
 */
export async function measureRequests(options: {
  next: () => LoadRequest;
  ca: string;
  total: number;
  concurrency: number;
  expect?: number;
  check?: (body: string) => boolean;
  timeoutMs?: number;
  maxSeconds?: number;
}): Promise<LoadResult> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: options.concurrency, ca: options.ca, servername: "localhost" });
  const expect = options.expect ?? 200;
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let issued = 0;
  const started = performance.now();
  const stopAt = started + (options.maxSeconds ?? Number.POSITIVE_INFINITY) * 1000;
  async function worker(): Promise<void> {
    while (issued < options.total && performance.now() < stopAt) {
      issued += 1;
      const begin = performance.now();
      const response = await send(options.next(), agent, options.timeoutMs ?? 30_000, (status) => options.check !== undefined || status !== expect).catch((error: Error) => ({ status: 0, body: error.message }));
      latencies.push(performance.now() - begin);
      if (response.status !== expect || (options.check && !options.check(response.body))) {
        failures += 1;
        firstFailure ??= `${response.status} ${response.body.slice(0, 200)}`;
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return summarise(latencies, seconds, failures, firstFailure);
}

/** One result from runs measured in segments: their requests over the sum of their durations. */
export function mergeResults(results: readonly LoadResult[]): LoadResult {
  const latencies = results.flatMap((result) => result.latenciesMs).sort((a, b) => a - b);
  const seconds = results.reduce((sum, result) => sum + result.seconds, 0);
  const failures = results.reduce((sum, result) => sum + result.failures, 0);
  return summarise(latencies, seconds, failures, results.find((result) => result.firstFailure)?.firstFailure);
}

function summarise(latencies: number[], seconds: number, failures: number, firstFailure: string | undefined): LoadResult {
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), failures, firstFailure, latenciesMs: latencies };
}

/** Sends `total` GET requests expecting 200 (see measureRequests). */
export function measureGets(options: { url: () => string; headers: Record<string, string>; ca: string; total: number; concurrency: number }): Promise<LoadResult> {
  return measureRequests({ next: () => ({ url: options.url(), headers: options.headers }), ca: options.ca, total: options.total, concurrency: options.concurrency });
}

/** The value at quantile `q` (0..1) of ascending `sorted` values, nearest rank below. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Sends one request; the body is read into a string only when `wantsBody(status)`, otherwise drained. */
function send(request: LoadRequest, agent: https.Agent, timeoutMs: number, wantsBody: (status: number) => boolean): Promise<{ status: number; body: string }> {
  const headers = request.body === undefined ? request.headers : { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) };
  return new Promise((resolve, reject) => {
    const outgoing = https.request(request.url, { method: request.method ?? "GET", agent, headers }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      if (wantsBody(status)) res.on("data", (chunk: Buffer) => chunks.push(chunk));
      else res.resume();
      res.on("end", () => resolve({ status, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("close", () => {
        if (!res.complete) reject(new Error(`answer ${status} cut short`));
      });
    });
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}
