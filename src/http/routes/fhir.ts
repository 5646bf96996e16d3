import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { capabilityStatement, searchParamsFromQuery, searchParamsOf, sinceOf, type HistoryEntry, type StoredResource } from "../../fhir/index.js";
import { AppError, type Principal } from "../../kernel/index.js";
import { resourceTypes } from "../../fhir/resources/index.js";
import { acceptedContentTypes } from "../../uploads/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, fhirApi } from "../route-policy.js";
import { requireApiPrincipal } from "../plugins/authenticate.js";

const base = "/fhir/R4";
const resourceType = z.string().regex(/^[A-Z][A-Za-z]{1,63}$/);
const logicalId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const versionId = z.string().regex(/^[1-9]\d{0,8}$/);
const resourceBody = z.looseObject({ resourceType: z.string() });
const operationOutcome = z.looseObject({ resourceType: z.literal("OperationOutcome") });
const errors = { 400: operationOutcome, 401: operationOutcome, 403: operationOutcome, 404: operationOutcome, 405: operationOutcome, 409: operationOutcome, 410: operationOutcome, 412: operationOutcome, 422: operationOutcome, 503: operationOutcome };
const fhirJson = "application/fhir+json; charset=utf-8";
const weakEtag = /^W\/"(\d{1,9})"$/;
/** Parameters are read from the raw query (order and repeats matter: a repeated name is AND); this only bounds them. */
const searchQuery = z.record(z.string().max(100), z.union([z.string().max(2000), z.array(z.string().max(2000)).max(50)]));
const historyTokenType = (type: string) => `${type}/_history`;

function rawQuery(request: FastifyRequest): string {
  const index = request.url.indexOf("?");
  return index === -1 ? "" : request.url.slice(index + 1);
}

function includesOf(type: string) {
  const referenceParams = (of: string) => searchParamsOf(of).filter((param) => param.type === "reference").map((param) => `${of}:${param.name}`);
  return { include: referenceParams(type), revinclude: Object.keys(resourceTypes).flatMap(referenceParams) };
}

/** The FHIR R4 REST API (https://hl7.org/fhir/R4/http.html); every interaction authorizes and audits in the records module. */
export function fhirRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const baseUrl = new URL(base, services.config.publicUrl).toString();
  const { records, pageTokens } = services;

  function sendResource(reply: FastifyReply, stored: StoredResource, status: 200 | 201) {
    reply
      .code(status)
      .type(fhirJson)
      .header("etag", `W/"${stored.versionId}"`)
      .header("last-modified", stored.lastUpdated.toUTCString());
    if (status === 201) reply.header("location", `${baseUrl}/${stored.resource.resourceType}/${stored.resource.id}/_history/${stored.versionId}`);
    return reply.send(stored.resource);
  }

  function historyBundle(entries: HistoryEntry[], selfUrl: string, nextUrl?: string) {
    return {
      resourceType: "Bundle",
      type: "history",
      link: [{ relation: "self", url: selfUrl }, ...(nextUrl ? [{ relation: "next", url: nextUrl }] : [])],
      entry: entries.map((entry) => ({
        fullUrl: `${baseUrl}/${entry.type}/${entry.id}`,
        ...(entry.resource ? { resource: entry.resource } : {}),
        request: { method: entry.deleted ? "DELETE" : entry.versionId === "1" ? "POST" : "PUT", url: entry.versionId === "1" && !entry.deleted ? entry.type : `${entry.type}/${entry.id}` },
        response: { status: entry.deleted ? "204" : entry.versionId === "1" ? "201" : "200", etag: `W/"${entry.versionId}"`, lastModified: entry.lastUpdated.toISOString() },
      })),
    };
  }

  /** A search answer; its links carry only a sealed page token, never the parameters (they may name a patient). */
  async function searchBundle(principal: Principal, type: string, params: Array<[string, string]>, cursor?: string) {
    const result = await records.search(principal, type, params, cursor);
    const page = (at: string) => pageTokens.seal(principal.accountId, { type, params, cursor: at });
    const link = [{ relation: "self", url: `${baseUrl}/${type}` + (cursor ? `?_page=${await page(cursor)}` : "") }];
    if (result.next) link.push({ relation: "next", url: `${baseUrl}/${type}?_page=${await page(result.next)}` });
    return {
      resourceType: "Bundle",
      type: "searchset",
      link,
      entry: [
        ...result.matches.map((stored) => ({ fullUrl: `${baseUrl}/${type}/${stored.resource.id}`, resource: stored.resource, search: { mode: "match" } })),
        ...result.included.map((stored) => ({ fullUrl: `${baseUrl}/${stored.resource.resourceType}/${stored.resource.id}`, resource: stored.resource, search: { mode: "include" } })),
      ],
    };
  }

  async function principalOf(request: FastifyRequest, reply: FastifyReply) {
    return requireApiPrincipal(request, reply, services.oidc);
  }

  function ifMatchOf(request: FastifyRequest): number | undefined {
    const header = request.headers["if-match"];
    if (header === undefined) return undefined;
    const match = weakEtag.exec(String(header).trim()) ?? /^"(\d{1,9})"$/.exec(String(header).trim());
    if (!match) throw new AppError("http.bad_request", { detail: "If-Match must be a version ETag" });
    return Number(match[1]);
  }

  return async (app) => {
    declareRoutePolicy(app, fhirApi("fhir"));
    // POST _search sends the parameters as a form body, which keeps them out of URLs and logs (R4 http.html#search).
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => done(null, body));

    app.get(`${base}/metadata`, { config: { policy: { authentication: "none", audit: "none" } }, schema: { response: { 200: resourceBody } } }, async (_request, reply) =>
      reply.type(fhirJson).send(capabilityStatement({
          baseUrl,
          software: { name: "Mamori", version: services.version },
          now: services.clock.now(),
          searchParamsOf,
          includesOf,
          binaryContentTypes: acceptedContentTypes,
        })),
    );

    app.post(`${base}`, { schema: { body: resourceBody, response: { 200: resourceBody, ...errors } } }, async (request, reply) => {
      const bundle = await records.transaction(await principalOf(request, reply), request.body);
      return reply.type(fhirJson).send(bundle);
    });

    app.get(`${base}/:type`, { schema: { params: z.object({ type: resourceType }), querystring: searchQuery, response: { 200: resourceBody, ...errors } } }, async (request, reply) => {
      const principal = await principalOf(request, reply);
      const params = searchParamsFromQuery(rawQuery(request));
      const pageToken = params.find(([name]) => name === "_page")?.[1];
      if (pageToken === undefined) return reply.type(fhirJson).send(await searchBundle(principal, request.params.type, params));
      const state = await pageTokens.open(principal.accountId, pageToken);
      if (state.type !== request.params.type) throw new AppError("fhir.invalid_search", { expression: ["_page"] });
      return reply.type(fhirJson).send(await searchBundle(principal, state.type, state.params, state.cursor));
    });

    app.post(`${base}/:type/_search`, { config: { policy: { whileReadOnly: "serve" } }, schema: { params: z.object({ type: resourceType }), body: z.string().max(65_536).optional(), response: { 200: resourceBody, ...errors } } }, async (request, reply) => {
      const principal = await principalOf(request, reply);
      // Parameters may come in the form body and in the URL; both apply (R4 http.html#search).
      const params = [...searchParamsFromQuery(rawQuery(request)), ...searchParamsFromQuery(request.body ?? "")];
      return reply.type(fhirJson).send(await searchBundle(principal, request.params.type, params));
    });

    app.post(`${base}/:type`, { schema: { params: z.object({ type: resourceType }), response: { 200: resourceBody, 201: resourceBody, ...errors } } }, async (request, reply) => {
      const ifNoneExist = request.headers["if-none-exist"];
      const stored = await records.create(await principalOf(request, reply), request.params.type, request.body, { ifNoneExist: typeof ifNoneExist === "string" ? ifNoneExist : undefined });
      return sendResource(reply, stored, stored.created ? 201 : 200);
    });

    app.get(`${base}/:type/_history`, { schema: { params: z.object({ type: resourceType }), querystring: searchQuery, response: { 200: resourceBody, ...errors } } }, async (request, reply) => {
      const principal = await principalOf(request, reply);
      const type = request.params.type;
      const selfUrl = `${baseUrl}/${type}/_history`;
      let params = new Map(searchParamsFromQuery(rawQuery(request)));
      let before: { lastUpdated: Date; id: string; version: number } | undefined;
      const pageToken = params.get("_page");
      if (pageToken !== undefined) {
        const state = await pageTokens.open(principal.accountId, pageToken);
        if (state.type !== historyTokenType(type)) throw new AppError("fhir.invalid_search", { expression: ["_page"] });
        params = new Map(state.params);
        const [lastUpdated, version, id] = state.cursor.split("|");
        before = { lastUpdated: new Date(lastUpdated!), version: Number(version), id: id! };
      }
      const since = params.get("_since");
      const sinceAt = since === undefined ? undefined : sinceOf(since);
      const count = Number(params.get("_count") ?? "50");
      if (!Number.isInteger(count) || count < 1) throw new AppError("fhir.invalid_search", { expression: ["_count"] });
      const page = await records.typeHistory(principal, type, { since: sinceAt, count, before });
      const kept: Array<[string, string]> = [...(since === undefined ? [] : [["_since", since] as [string, string]]), ["_count", String(count)]];
      const next = page.next
        ? `${selfUrl}?_page=${await pageTokens.seal(principal.accountId, { type: historyTokenType(type), params: kept, cursor: `${page.next.lastUpdated.toISOString()}|${page.next.version}|${page.next.id}` })}`
        : undefined;
      return reply.type(fhirJson).send(historyBundle(page.entries, selfUrl, next));
    });

    app.get(`${base}/Patient/:id/$everything`, { schema: { params: z.object({ id: logicalId }), response: { 200: resourceBody, ...errors } } }, async (request, reply) => {
      const bundle = await records.everything(await principalOf(request, reply), request.params.id);
      return reply.type(fhirJson).send(bundle);
    });

    app.get(`${base}/:type/:id`, { schema: { params: z.object({ type: resourceType, id: logicalId }), response: { 200: resourceBody, ...errors } } }, async (request, reply) => {
      const stored = await records.read(await principalOf(request, reply), request.params.type, request.params.id);
      return sendResource(reply, stored, 200);
    });

    app.put(`${base}/:type/:id`, { schema: { params: z.object({ type: resourceType, id: logicalId }), response: { 200: resourceBody, ...errors } } }, async (request, reply) => {
      const principal = await principalOf(request, reply);
      const stored = await records.update(principal, request.params.type, request.params.id, request.body, { ifMatch: ifMatchOf(request) });
      return sendResource(reply, stored, 200);
    });

    app.delete(`${base}/:type/:id`, { schema: { params: z.object({ type: resourceType, id: logicalId }), response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await records.delete(await principalOf(request, reply), request.params.type, request.params.id);
      return reply.code(204).send(null);
    });

    app.get(`${base}/:type/:id/_history`, { schema: { params: z.object({ type: resourceType, id: logicalId }), response: { 200: resourceBody, ...errors } } }, async (request, reply) => {
      const entries = await records.history(await principalOf(request, reply), request.params.type, request.params.id);
      return reply.type(fhirJson).send(historyBundle(entries, `${baseUrl}/${request.params.type}/${request.params.id}/_history`));
    });

    app.get(
      `${base}/:type/:id/_history/:vid`,
      { schema: { params: z.object({ type: resourceType, id: logicalId, vid: versionId }), response: { 200: resourceBody, ...errors } } },
      async (request, reply) => {
        const stored = await records.vread(await principalOf(request, reply), request.params.type, request.params.id, Number(request.params.vid));
        return sendResource(reply, stored, 200);
      },
    );
  };
}
