import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  affectedPatientsRequest,
  affectedPatientsResponse,
  apiError,
  incidentDetailResponse,
  incidentListResponse,
  incidentNote,
  incidentNoteRequest,
  incidentParams,
  incidentSummary,
  openIncidentRequest,
  revokeSessionsRequest,
  revokeSessionsResponse,
  serviceModeRequest,
  serviceModeResponse,
} from "../../../shared/api/index.js";
import type { Deadline, IncidentRow, NoteRow, ServiceModeRow } from "../../incidents/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 422: apiError };

const deadlineJson = (deadline: Deadline) => ({ ...deadline, due: deadline.due.toISOString(), latest: deadline.latest.toISOString() });
const incidentJson = (incident: IncidentRow & { deadlines: Deadline[] }) => ({
  id: incident.id,
  title: incident.title,
  kind: incident.kind,
  severity: incident.severity,
  detectedAt: incident.detectedAt.toISOString(),
  openedAt: incident.openedAt.toISOString(),
  openedBy: incident.openedBy,
  deadlines: incident.deadlines.map(deadlineJson),
});
const noteJson = (note: NoteRow) => ({ ...note, at: note.at.toISOString() });
const modeJson = (mode: ServiceModeRow) => ({ readOnly: mode.readOnly, changedAt: mode.changedAt.toISOString(), incidentId: mode.incidentId });

/** Incident handling and emergency actions for the security officer; authorization and audit are in the module. */
export function incidentRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { incidents } = services;
  return async (app) => {
    // Incident work and the read-only switch itself must stay usable while the service is read-only.
    declareRoutePolicy(app, sessionApi("incident", { whileReadOnly: "serve" }));
    app.get("/api/incidents", { schema: { response: { 200: incidentListResponse, ...errors } } }, async (request) => ({
      incidents: (await incidents.list(requirePrincipal(request))).map(incidentJson),
    }));

    app.post("/api/incidents", { schema: { body: openIncidentRequest, response: { 201: incidentSummary, ...errors } } }, async (request, reply) => {
      const incident = await incidents.open(requirePrincipal(request), { ...request.body, detectedAt: new Date(request.body.detectedAt) });
      return reply.code(201).send(incidentJson(incident));
    });

    app.get("/api/incidents/:id", { schema: { params: incidentParams, response: { 200: incidentDetailResponse, ...errors } } }, async (request) => {
      const detail = await incidents.get(requirePrincipal(request), request.params.id);
      return { ...incidentJson(detail), timeline: detail.timeline.map(noteJson), mhlwContact: detail.mhlwContact };
    });

    app.post("/api/incidents/:id/notes", { schema: { params: incidentParams, body: incidentNoteRequest, response: { 201: incidentNote, ...errors } } }, async (request, reply) =>
      reply.code(201).send(noteJson(await incidents.addNote(requirePrincipal(request), request.params.id, request.body))),
    );

    app.post(
      "/api/incidents/:id/affected-patients",
      { schema: { params: incidentParams, body: affectedPatientsRequest, response: { 200: affectedPatientsResponse, ...errors } } },
      async (request) =>
        incidents.affectedPatients(requirePrincipal(request), request.params.id, {
          accountId: request.body.accountId,
          from: new Date(request.body.from),
          to: new Date(request.body.to),
        }),
    );

    app.post(
      "/api/incidents/:id/revoke-sessions",
      { schema: { params: incidentParams, body: revokeSessionsRequest, response: { 200: revokeSessionsResponse, ...errors } } },
      async (request) => incidents.revokeSessions(requirePrincipal(request), request.params.id, { accountId: request.body.accountId }),
    );

    app.get("/api/service-mode", { schema: { response: { 200: serviceModeResponse, ...errors } } }, async (request) => {
      requirePrincipal(request);
      return modeJson(await incidents.serviceMode());
    });

    app.put("/api/service-mode", { schema: { body: serviceModeRequest, response: { 200: serviceModeResponse, ...errors } } }, async (request) =>
      modeJson(await incidents.setReadOnly(requirePrincipal(request), request.body)),
    );
  };
}
