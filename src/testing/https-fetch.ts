import https from "node:https";

/**
 * A `fetch` for relying-party libraries in tests (openid-client's customFetch) that trusts only the test app's
 * self-signed certificate, instead of turning certificate checks off.
 */
export function createHttpsFetch(ca: string): (url: string | URL, init?: { method?: string; headers?: HeadersInit; body?: BodyInit | null; redirect?: string; signal?: AbortSignal | null }) => Promise<Response> {
  const agent = new https.Agent({ ca, servername: "localhost", keepAlive: false });
  return async (url, init = {}) => {
    const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
    const body = init.body === undefined || init.body === null ? undefined : typeof init.body === "string" ? init.body : Buffer.from(await new Response(init.body).arrayBuffer());
    return new Promise((resolve, reject) => {
      const request = https.request(new URL(url), { method: init.method ?? "GET", agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const one of [value ?? []].flat()) responseHeaders.append(name, one);
          }
          const status = response.statusCode ?? 500;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      });
      request.on("error", reject);
      if (body !== undefined) request.write(body);
      request.end();
    });
  };
}
