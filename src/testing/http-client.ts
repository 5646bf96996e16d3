import https from "node:https";

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
  /** The raw response body (binary downloads). */
  body: Buffer;
}

/**
 * A small HTTPS client for tests that verifies the server's certificate against the test app's own, keeps a
 * cookie jar like a browser, and sends the Origin header a browser would.
 */
export function createTestClient(baseUrl: string, ca: string) {
  const agent = new https.Agent({ ca, servername: "localhost", keepAlive: false });
  const jar = new Map<string, string>();
  const origin = new URL(baseUrl).origin;

  function request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; contentType?: string } = {}): Promise<TestResponse> {
    const url = new URL(path, baseUrl);
    const payload = options.body === undefined ? undefined : typeof options.body === "string" || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      accept: "application/json, application/fhir+json",
      "user-agent": "mamori-test-client",
      ...(method !== "GET" && method !== "HEAD" ? { origin } : {}),
      ...(payload !== undefined ? { "content-type": options.contentType ?? "application/json" } : {}),
      ...(jar.size > 0 ? { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; ") } : {}),
      ...options.headers,
    };
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          for (const cookie of [res.headers["set-cookie"] ?? []].flat()) {
            const [pair, ...attributes] = cookie.split(";");
            const [name, value] = pair!.split("=");
            const expired = attributes.some((attribute) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(attribute));
            if (!value || expired) jar.delete(name!.trim());
            else jar.set(name!.trim(), value);
          }
          const body = Buffer.concat(chunks);
          const text = body.toString("utf8");
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, body });
        });
      });
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  return {
    request,
    get: (path: string, headers?: Record<string, string>) => request("GET", path, headers ? { headers } : {}),
    post: (path: string, body?: unknown, options: { headers?: Record<string, string>; contentType?: string } = {}) => request("POST", path, { body, ...options }),
    cookies: jar,
  };
}

export type TestClient = ReturnType<typeof createTestClient>;
