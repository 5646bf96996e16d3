import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { capabilityStatement, type StoredResource } from "../../fhir/index.js";
import type { HttpServices } from "../context.js";
import { requireApiPrincipal } from "../plugins/authenticate.js";
import type { FastifyReply } from "fastify";

const base = "/fhir/R4";
const resourceType = z.string().regex(/^[A-Z][A-Za-z]{1,63}$/);
const logicalId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const resourceBody = z.looseObject({ resourceType: z.string() });
const fhirJson = "application/fhir+json; charset=utf-8";

/** The FHIR R4 REST API (https://hl7.org/fhir/R4/http.html). */
export function fhirRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const baseUrl = new URL(base, services.config.publicUrl).toString();

  function sendResource(reply: FastifyReply, stored: StoredResource, status: 200 | 201) {
    reply
      .code(status)
      .type(fhirJson)
      .header("etag", `W/"${stored.versionId}"`)
      .header("last-modified", stored.lastUpdated.toUTCString());
    if (status === 201) reply.header("location", `${baseUrl}/${stored.resource.resourceType}/${stored.resource.id}/_history/${stored.versionId}`);
    return reply.send(stored.resource);
  }

  return async (app) => {
    app.get(`${base}/metadata`, { schema: { response: { 200: resourceBody } } }, async (_request, reply) =>
      reply.type(fhirJson).send(capabilityStatement({ baseUrl, software: { name: "Mamori", version: services.version }, now: services.clock.now() })),
    );

    app.post(`${base}/:type`, { schema: { params: z.object({ type: resourceType }), response: { 201: resourceBody } } }, async (request, reply) => {
      const stored = await services.records.create(await requireApiPrincipal(request, reply, services.oidc), request.params.type, request.body);
      return sendResource(reply, stored, 201);
    });

    app.get(`${base}/:type/:id`, { schema: { params: z.object({ type: resourceType, id: logicalId }), response: { 200: resourceBody } } }, async (request, reply) => {
      const stored = await services.records.read(await requireApiPrincipal(request, reply, services.oidc), request.params.type, request.params.id);
      return sendResource(reply, stored, 200);
    });
  };
}
