import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  accountParams,
  apiError,
  breakGlassCreated,
  breakGlassRequest,
  breakGlassReviewList,
  breakGlassReviewParams,
  breakGlassReviewQuery,
  careStandingParams,
  careStandingResponse,
  chartRecordType,
  closeBreakGlassReviewRequest,
  linkPractitionerRequest,
  myBreakGlassResponse,
  myCarePatientsResponse,
  recordWriteAction,
} from "../../../shared/api/index.js";
import type { BreakGlassRow } from "../../access/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 422: apiError };

const reviewJson = (row: BreakGlassRow) => ({
  id: row.id,
  account: { id: row.accountId, displayName: row.accountName },
  patientId: row.patientId,
  reason: row.reason,
  grantedAt: row.grantedAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  accessCount: row.accessCount,
  status: row.status,
  ...(row.outcome ? { outcome: row.outcome } : {}),
  ...(row.note !== undefined ? { note: row.note } : {}),
  ...(row.reviewedAt ? { reviewedAt: row.reviewedAt.toISOString() } : {}),
});

/** Emergency access, its review queue, the clinician's care relationships and staff ↔ Practitioner links. */
export function breakGlassRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { accessManagement } = services;
  return async (app) => {
    declareRoutePolicy(app, sessionApi("access"));
    app.post("/api/break-glass", { schema: { body: breakGlassRequest, response: { 201: breakGlassCreated, ...errors } } }, async (request, reply) => {
      const grant = await accessManagement.grant(requirePrincipal(request), request.body);
      return reply.code(201).send({ id: grant.id, patientId: grant.patientId, expiresAt: grant.expiresAt.toISOString() });
    });

    app.get("/api/break-glass/mine", { schema: { response: { 200: myBreakGlassResponse, ...errors } } }, async (request) => ({
      grants: (await accessManagement.mine(requirePrincipal(request))).map((grant) => ({
        ...grant,
        grantedAt: grant.grantedAt.toISOString(),
        expiresAt: grant.expiresAt.toISOString(),
      })),
    }));

    app.get("/api/break-glass/reviews", { schema: { querystring: breakGlassReviewQuery, response: { 200: breakGlassReviewList, ...errors } } }, async (request) => ({
      items: (await accessManagement.reviews(requirePrincipal(request), request.query.status)).map(reviewJson),
    }));

    app.post("/api/break-glass/reviews/:id", { schema: { params: breakGlassReviewParams, body: closeBreakGlassReviewRequest, response: { 200: z.object({}), ...errors } } }, async (request) => {
      await accessManagement.closeReview(requirePrincipal(request), request.params.id, request.body);
      return {};
    });

    app.get("/api/care/patients", { schema: { response: { 200: myCarePatientsResponse, ...errors } } }, async (request) => ({
      patients: await accessManagement.myPatients(requirePrincipal(request)),
    }));

    app.get("/api/care/patients/:patientId", { schema: { params: careStandingParams, response: { 200: careStandingResponse, ...errors } } }, async (request) => {
      const question = { types: chartRecordType.options, actions: recordWriteAction.options };
      const { sources, breakGlassExpiresAt, isConsentRefused, recordActions } = await accessManagement.careStanding(requirePrincipal(request), request.params.patientId, question);
      return { patientId: request.params.patientId, sources, ...(breakGlassExpiresAt ? { breakGlassExpiresAt: breakGlassExpiresAt.toISOString() } : {}), isConsentRefused, recordActions };
    });

    app.put("/api/admin/accounts/:id/practitioner", { schema: { params: accountParams, body: linkPractitionerRequest, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await accessManagement.linkPractitioner(requirePrincipal(request), request.params.id, request.body);
      return reply.code(204).send(null);
    });
  };
}
