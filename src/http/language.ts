import type { FastifyRequest } from "fastify";

/** Japanese unless the client prefers English (Accept-Language, RFC 9110 §12.5.4; first listed language wins). */
export function preferredLanguage(request: FastifyRequest): "ja" | "en" {
  const header = request.headers["accept-language"];
  const first = typeof header === "string" ? header.split(",")[0]?.trim().toLowerCase() : undefined;
  return first?.startsWith("en") ? "en" : "ja";
}
