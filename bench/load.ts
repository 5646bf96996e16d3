import https from "node:https";

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

/**
 * Sends `total` GET requests over `concurrency` keep-alive HTTPS connections to loopback and measures each one.
 * Bounded in count; the target is always this machine.
 */
export async function measureGets(options: { url: () => string; headers: Record<string, string>; ca: string; total: number; concurrency: number }): Promise<LoadResult> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: options.concurrency, ca: options.ca, servername: "localhost" });
  const latencies: number[] = [];
  let failures = 0;
  let issued = 0;
  const started = performance.now();
  async function worker(): Promise<void> {
    while (issued < options.total) {
      issued += 1;
      const begin = performance.now();
      const status = await get(options.url(), options.headers, agent);
      latencies.push(performance.now() - begin);
      if (status !== 200) failures += 1;
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), failures };
}

function get(url: string, headers: Record<string, string>, agent: https.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent, headers }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
      .on("error", reject);
  });
}
