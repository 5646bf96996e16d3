import type {
  AffectedPatientsRequest,
  AffectedPatientsResponse,
  IncidentDetailResponse,
  IncidentListResponse,
  IncidentNote,
  IncidentNoteRequest,
  IncidentSummary,
  OpenIncidentRequest,
  RevokeSessionsRequest,
  ServiceModeRequest,
  ServiceModeResponse,
} from "../../shared/api/index.js";
import { request } from "./http.js";

const incidentPath = (id: string) => `/api/incidents/${encodeURIComponent(id)}`;

/** Incidents, newest first, with their reporting deadlines (security officer; authorized and audited). */
export const fetchIncidents = () => request<IncidentListResponse>("/api/incidents");
export const openIncident = (body: OpenIncidentRequest) => request<IncidentSummary>("/api/incidents", { method: "POST", body });
export const fetchIncident = (id: string) => request<IncidentDetailResponse>(incidentPath(id));
export const addIncidentNote = (id: string, body: IncidentNoteRequest) => request<IncidentNote>(`${incidentPath(id)}/notes`, { method: "POST", body });
export const findAffectedPatients = (id: string, body: AffectedPatientsRequest) => request<AffectedPatientsResponse>(`${incidentPath(id)}/affected-patients`, { method: "POST", body });
export const revokeSessions = (id: string, body: RevokeSessionsRequest) => request<{ revoked: number }>(`${incidentPath(id)}/revoke-sessions`, { method: "POST", body });
export const fetchServiceMode = () => request<ServiceModeResponse>("/api/service-mode");
export const setServiceMode = (body: ServiceModeRequest) => request<ServiceModeResponse>("/api/service-mode", { method: "PUT", body });
