import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { accessInclusionProof, apiError, auditPublicKeys, treeConsistencyProof, treeConsistencyQuery } from "../../../shared/api/index.js";
import { auditKeysPath } from "../../audit/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError, 503: apiError };

/**
 * Proofs over the audit trail's signed Merkle tree: the patient's proof of one access to their record, the auditor's
 * consistency proof between tree heads, and the public signing keys (authorization and audit are in the audit module).
 */
export function auditProofRoutes(services: HttpServices): FastifyPluginAsyncZod {
  return async (app) => {
    declareRoutePolicy(app, sessionApi("audit"));
    app.get(
      "/api/me/access-history/:seq/proof",
      { schema: { params: z.object({ seq: z.coerce.number().int().positive() }), response: { 200: accessInclusionProof, ...errors } } },
      async (request, reply) => {
        const proof = await services.auditProofs.accessProof(requirePrincipal(request), request.params.seq);
        return reply.header("content-disposition", `attachment; filename="mamori-access-proof-${proof.leafIndex + 1}.json"`).send(proof);
      },
    );
    app.get(
      "/api/audit/tree-heads/consistency",
      { schema: { querystring: treeConsistencyQuery, response: { 200: treeConsistencyProof, ...errors } } },
      async (request) => services.auditProofs.consistency(requirePrincipal(request), request.query.first, request.query.second),
    );
  };
}

/** The published offline verifier: one file without dependencies, for Node or a browser (see its header). */
export const verifierPath = "/verify-audit-proof.mjs";
// The web build copies web/public into dist/web, which is what an installed image carries; the source copy serves a
// checkout whose UI was not built.
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const verifierFile = [path.join(projectRoot, "dist/web/verify-audit-proof.mjs"), path.join(projectRoot, "web/public/verify-audit-proof.mjs")].find((candidate) => existsSync(candidate)) ?? path.join(projectRoot, "web/public/verify-audit-proof.mjs");

/**
 * The public signing keys and the verifier, for anyone checking a proof offline: no session, counted per address,
 * not audited.
 */
export function auditKeyRoutes(services: HttpServices): FastifyPluginAsyncZod {
  return async (app) => {
    declareRoutePolicy(app, { authentication: "none", rateLimits: ["ip"], errorFormat: "api", inspection: "standard", audit: "none", whileReadOnly: "serve" });
    app.get(auditKeysPath, { schema: { response: { 200: auditPublicKeys, 503: apiError } } }, async (_request, reply) =>
      reply.header("cache-control", "public, max-age=300").send(await services.auditProofs.publicKeys()),
    );
    const verifier = await readFile(verifierFile);
    app.get(verifierPath, async (_request, reply) => reply.header("cache-control", "public, max-age=3600").type("text/javascript; charset=utf-8").send(verifier));
  };
}
