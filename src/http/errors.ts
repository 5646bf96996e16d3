import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, describeError, isAppError, newIncidentId, type ErrorCode } from "../kernel/index.js";
import { isDatabaseUnavailable } from "../db/index.js";
import { preferredLanguage } from "./language.js";
import { routePolicyOf } from "./route-policy.js";

/**
 * The one place errors become HTTP answers: routes whose policy declares the `fhir` error format (and unmatched
 * requests under /fhir) get an OperationOutcome (FHIR R4 operationoutcome.html), everything else an ApiError body. Unexpected errors get a 500 with an incident id that is also logged, and never
 * their message (which could carry data).
 */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  const text = describeError(appError.code);
  const message = text[preferredLanguage(request)];
  let incidentId: string | undefined = appError.incidentId;
  if (text.status >= 500) {
    incidentId = newIncidentId();
    request.log.error({ incidentId, code: appError.code, cause: describeCause(error) }, "request failed");
  }
  reply.code(text.status).header("cache-control", "no-store");
  if (appError.retryAfterSeconds !== undefined) reply.header("retry-after", String(Math.max(1, appError.retryAfterSeconds)));
  if (routePolicyOf(request).errorFormat === "fhir") {
    return reply.type("application/fhir+json; charset=utf-8").send({
      resourceType: "OperationOutcome",
      issue: [
        {
          severity: text.status >= 500 ? "fatal" : "error",
          code: text.issue,
          details: { coding: [{ system: "urn:mamori:error", code: appError.code }], text: message },
          diagnostics: incidentId ? `${message} (incident ${incidentId})` : message,
          ...(appError.expression ? { expression: appError.expression } : {}),
        },
      ],
    });
  }
  return reply.send({ code: appError.code, message, ...(incidentId ? { incidentId } : {}) });
}

/**
 * What the log may say about an unexpected error: its type, driver error code and stack frames, but never its
 * message, since database and parser messages quote the values they choke on.
 */
function describeCause(error: unknown): { name: string; code?: string; frames: string[] } {
  const root = isAppError(error) && error.cause !== undefined ? error.cause : error;
  if (!(root instanceof Error)) return { name: typeof root, frames: [] };
  const code = (root as { code?: unknown }).code;
  const frames = (root.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at ")).slice(0, 12).map((line) => line.trim());
  return { name: root.name, ...(typeof code === "string" ? { code } : {}), frames };
}

function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return new AppError("http.bad_request", { expression: error.validation.map((issue) => issue.instancePath.replace(/^\//, "").replaceAll("/", ".")).filter(Boolean) });
  }
  const fastifyError = error as Partial<FastifyError>;
  const byFastifyCode: Record<string, ErrorCode> = {
    FST_ERR_CTP_BODY_TOO_LARGE: "http.payload_too_large",
    FST_ERR_CTP_INVALID_MEDIA_TYPE: "http.unsupported_media_type",
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: "http.bad_request",
    FST_ERR_CTP_EMPTY_JSON_BODY: "http.bad_request",
    FST_ERR_CTP_INVALID_JSON_BODY: "http.bad_request",
    FST_ERR_VALIDATION: "http.bad_request",
  };
  const mapped = fastifyError.code ? byFastifyCode[fastifyError.code] : undefined;
  if (mapped) return new AppError(mapped);
  if (isDatabaseUnavailable(error)) return new AppError("database.unavailable", { cause: error });
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError(fastifyError.statusCode === 413 ? "http.payload_too_large" : fastifyError.statusCode === 415 ? "http.unsupported_media_type" : "http.bad_request");
  }
  return new AppError("http.internal", { cause: error });
}
