import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  apiError,
  idsAlertsQuery,
  idsAlertsResponse,
  idsAlertStateRequest,
  idsAlertView,
  idsIdParams,
  idsRestrictionsResponse,
  watchListAddRequest,
  watchListParams,
  watchListResponse,
  type IdsAlertView,
} from "../../../shared/api/index.js";
import type { AlertRow } from "../../ids/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError };

/** The security officer's intrusion detection queue, restrictions and watch list; authorization and audit are in the ids module. */
export function idsRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { officer } = services.ids;
  return async (app) => {
    declareRoutePolicy(app, sessionApi("ids"));
    app.get("/api/security/alerts", { schema: { querystring: idsAlertsQuery, response: { 200: idsAlertsResponse, ...errors } } }, async (request) => ({
      alerts: (await officer.listAlerts(requirePrincipal(request), request.query)).map(toView),
    }));

    app.post("/api/security/alerts/:id/state", { schema: { params: idsIdParams, body: idsAlertStateRequest, response: { 200: idsAlertView, ...errors } } }, async (request) =>
      toView(await officer.changeState(requirePrincipal(request), request.params.id, request.body.state, request.body.note)),
    );

    app.get("/api/security/restrictions", { schema: { response: { 200: idsRestrictionsResponse, ...errors } } }, async (request) => ({
      restrictions: (await officer.activeRestrictions(requirePrincipal(request))).map((row) => ({
        id: row.id,
        kind: row.kind,
        subject: row.subject,
        createdAt: row.createdAt.toISOString(),
        until: row.until.toISOString(),
        reason: row.reason,
        ...(row.alertId ? { alertId: row.alertId } : {}),
      })),
    }));

    app.post("/api/security/restrictions/:id/lift", { schema: { params: idsIdParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await officer.lift(requirePrincipal(request), request.params.id);
      return reply.code(204).send(null);
    });

    app.get("/api/security/watch-list", { schema: { response: { 200: watchListResponse, ...errors } } }, async (request) => ({
      patients: (await officer.watchList(requirePrincipal(request))).map((row) => ({ ...row, addedAt: row.addedAt.toISOString() })),
    }));

    app.post("/api/security/watch-list", { schema: { body: watchListAddRequest, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await officer.watch(requirePrincipal(request), request.body.patientId, request.body.label);
      return reply.code(204).send(null);
    });

    app.delete("/api/security/watch-list/:patientId", { schema: { params: watchListParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await officer.unwatch(requirePrincipal(request), request.params.patientId);
      return reply.code(204).send(null);
    });
  };
}

function toView(alert: AlertRow & { description: { ja: string; en: string } }): IdsAlertView {
  const change = (c: { by: string; at: Date; note: string } | undefined) => c && { by: c.by, at: c.at.toISOString(), note: c.note };
  return {
    id: alert.id,
    ruleId: alert.ruleId,
    severity: alert.severity,
    description: alert.description,
    ...(alert.accountId ? { accountId: alert.accountId } : {}),
    ...(alert.ip ? { ip: alert.ip } : {}),
    evidence: alert.evidence,
    state: alert.state,
    openedAt: alert.openedAt.toISOString(),
    updatedAt: alert.updatedAt.toISOString(),
    ...(alert.acknowledged ? { acknowledged: change(alert.acknowledged) } : {}),
    ...(alert.closed ? { closed: change(alert.closed) } : {}),
  };
}
