import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiError, quarantineQuery, quarantineResponse } from "../../../shared/api/index.js";
import { AppError } from "../../kernel/index.js";
import { acceptedContentTypes, fhirBinaryOf, mediaTypeOf, uploadOfFhirBinary } from "../../uploads/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, fhirApi } from "../route-policy.js";
import { requireApiPrincipal, requirePrincipal } from "../plugins/authenticate.js";

const base = "/fhir/R4/Binary";
const fhirJson = "application/fhir+json; charset=utf-8";
const logicalId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const binaryResource = z.object({
  resourceType: z.literal("Binary"),
  id: z.string(),
  contentType: z.string(),
  securityContext: z.object({ reference: z.string() }),
});
const binaryWithData = binaryResource.extend({ data: z.string() });
const operationOutcome = z.looseObject({ resourceType: z.literal("OperationOutcome") });
const errors = { 400: operationOutcome, 401: operationOutcome, 403: operationOutcome, 404: operationOutcome, 413: operationOutcome, 415: operationOutcome, 422: operationOutcome, 503: operationOutcome };
const extensionOf: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "application/pdf": "pdf",
  "text/plain": "txt",
  "text/csv": "csv",
};

/** A FHIR Binary in JSON (R4 binary.html): `id` and `meta` are the server's to assign and are not kept. */
function binaryRequest(maxBytes: number) {
  return z.object({
    resourceType: z.literal("Binary"),
    id: z.string().max(64).optional(),
    meta: z.looseObject({}).optional(),
    contentType: z.string().min(1).max(200),
    securityContext: z.object({ reference: z.string().max(300) }).optional(),
    // base64 of the largest accepted file, with room for line breaks.
    data: z.string().max(Math.ceil(maxBytes / 3) * 4 * 2).optional(),
  });
}

/**
 * Whether a read asks for the Binary resource itself rather than its content: only when it names a FHIR format
 * (R4 binary.html: "a read request ... that doesn't explicitly specify the FHIR content types" gets the content).
 */
function wantsFhirJson(request: FastifyRequest): boolean {
  return /application\/(fhir\+json|json\+fhir)/i.test(String(request.headers.accept ?? ""));
}

/**
 * Uploaded files as FHIR Binary (https://hl7.org/fhir/R4/binary.html), for the web session and for bearer tokens
 * alike. A create sends either a FHIR Binary in JSON (`contentType`, base64 `data`, `securityContext` naming the
 * Patient) or the raw bytes with the patient in `X-Mamori-Patient`; both are sanitised, stored encrypted and
 * audited by the same uploads module call. A read answers the Binary in JSON when the client asks for FHIR JSON,
 * otherwise the bytes as an attachment that a browser may not sniff, cache, or run (sandbox CSP).
 */
export function uploadRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const baseUrl = new URL(base, services.config.publicUrl).toString();
  const maxBytes = services.config.uploads.maxBytes;
  const createBody = z.union([z.instanceof(Buffer), binaryRequest(maxBytes)]);

  return async (app) => {
    declareRoutePolicy(app, fhirApi("upload"));
    // Raw bytes for the accepted types, in this route group only; the declared type is checked against content later.
    app.removeContentTypeParser(["text/plain"]);
    app.addContentTypeParser([...acceptedContentTypes], { parseAs: "buffer", bodyLimit: maxBytes }, (_request, body, done) => done(null, body));
    // A Binary in JSON carries its file as base64: a third larger than the file, plus the resource around it.
    const jsonLimit = Math.ceil(maxBytes / 3) * 4 * 2 + 64 * 1024;
    app.removeContentTypeParser(["application/json", "application/fhir+json"]);
    app.addContentTypeParser(["application/json", "application/fhir+json"], { parseAs: "string", bodyLimit: jsonLimit }, app.getDefaultJsonParser("error", "error"));

    app.post(
      base,
      { config: { policy: { inspection: "binary-upload" } }, schema: { headers: z.looseObject({ "x-mamori-patient": logicalId.optional() }), body: createBody, response: { 201: binaryResource, ...errors } } },
      async (request, reply) => {
        const principal = await requireApiPrincipal(request, reply, services.oidc);
        const body = request.body;
        const patientId = request.headers["x-mamori-patient"];
        if (Buffer.isBuffer(body) && patientId === undefined) throw new AppError("http.bad_request", { expression: ["X-Mamori-Patient"], detail: "raw uploads name their patient in X-Mamori-Patient" });
        const input = Buffer.isBuffer(body) ? { patientId: patientId!, declaredType: mediaTypeOf(request.headers["content-type"] ?? ""), bytes: body, patientNamedBy: "X-Mamori-Patient" } : uploadOfFhirBinary(body);
        const stored = await services.uploads.upload(principal, input);
        return reply.code(201).type(fhirJson).header("location", `${baseUrl}/${stored.id}`).send(fhirBinaryOf(stored));
      },
    );

    app.get(
      `${base}/:id`,
      { schema: { params: z.object({ id: logicalId }), response: { 200: z.union([z.instanceof(Buffer), binaryWithData]), ...errors } } },
      async (request, reply) => {
        const file = await services.uploads.download(await requireApiPrincipal(request, reply, services.oidc), request.params.id);
        // Neither form may be kept by a shared cache or a browser; the JSON carries the same content.
        void reply.header("x-content-type-options", "nosniff").header("cache-control", "no-store").header("content-security-policy", "default-src 'none'; sandbox");
        if (wantsFhirJson(request)) return reply.type(fhirJson).send(fhirBinaryOf(file));
        const isText = file.contentType.startsWith("text/");
        return reply
          .type(isText ? `${file.contentType}; charset=utf-8` : file.contentType)
          .header("content-disposition", `attachment; filename="${file.id}.${extensionOf[file.contentType] ?? "bin"}"`)
          .send(file.bytes);
      },
    );

    app.get(
      "/api/uploads/quarantine",
      { config: { policy: { authentication: "session", errorFormat: "api" } }, schema: { querystring: quarantineQuery, response: { 200: quarantineResponse, 400: apiError, 401: apiError, 403: apiError } } },
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
