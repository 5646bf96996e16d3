import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiError, quarantineQuery, quarantineResponse } from "../../../shared/api/index.js";
import { AppError } from "../../kernel/index.js";
import { acceptedContentTypes } from "../../uploads/index.js";
import type { HttpServices } from "../context.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const base = "/fhir/R4/Binary";
const logicalId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const binaryResource = z.object({
  resourceType: z.literal("Binary"),
  id: z.string(),
  contentType: z.string(),
  securityContext: z.object({ reference: z.string() }),
});
const extensionOf: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "application/pdf": "pdf",
  "text/plain": "txt",
  "text/csv": "csv",
};

/**
 * Uploaded files as FHIR Binary (https://hl7.org/fhir/R4/binary.html): the raw body is sanitised, stored encrypted
 * and linked to the patient in `X-Mamori-Patient`; downloads are always attachments that a browser may not sniff,
 * cache, or run (sandbox CSP). Authorization, sanitising and audit are in the uploads module.
 */
export function uploadRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const baseUrl = new URL(base, services.config.publicUrl).toString();
  const bodyLimit = services.config.uploads.maxBytes;

  return async (app) => {
    // Raw bytes for the accepted types, in this route group only; the declared type is checked against content later.
    app.removeContentTypeParser(["text/plain"]);
    app.addContentTypeParser([...acceptedContentTypes], { parseAs: "buffer", bodyLimit }, (_request, body, done) => done(null, body));

    app.post(
      base,
      {
        bodyLimit,
        schema: { headers: z.looseObject({ "x-mamori-patient": logicalId }), response: { 201: binaryResource } },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) throw new AppError("http.unsupported_media_type");
        const declaredType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        const stored = await services.uploads.upload(requirePrincipal(request), {
          patientId: request.headers["x-mamori-patient"],
          declaredType,
          bytes: request.body,
        });
        return reply
          .code(201)
          .type("application/fhir+json; charset=utf-8")
          .header("location", `${baseUrl}/${stored.id}`)
          .send({ resourceType: "Binary" as const, id: stored.id, contentType: stored.contentType, securityContext: { reference: `Patient/${stored.patientId}` } });
      },
    );

    app.get(`${base}/:id`, { schema: { params: z.object({ id: logicalId }), response: { 200: z.instanceof(Buffer) } } }, async (request, reply) => {
      const file = await services.uploads.download(requirePrincipal(request), request.params.id);
      const isText = file.contentType.startsWith("text/");
      return reply
        .type(isText ? `${file.contentType}; charset=utf-8` : file.contentType)
        .header("content-disposition", `attachment; filename="${file.id}.${extensionOf[file.contentType] ?? "bin"}"`)
        .header("x-content-type-options", "nosniff")
        .header("cache-control", "no-store")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .send(file.bytes);
    });

    app.get(
      "/api/uploads/quarantine",
      { schema: { querystring: quarantineQuery, response: { 200: quarantineResponse, 400: apiError, 401: apiError, 403: apiError } } },
      async (request) => {
        const items = await services.uploads.listQuarantine(requirePrincipal(request), request.query.limit);
        return {
          items: items.map((item) => ({
            ...item,
            detectedType: item.detectedType,
            createdAt: item.createdAt.getTime(),
          })),
        };
      },
    );
  };
}
