export { createIncidents, type Incidents, type IncidentDetail } from "./incidents.js";
export { createServiceMode, serviceModeCacheMs, type ServiceMode } from "./service-mode.js";
export { mhlwContact, reportingDeadlines, type Deadline } from "./deadlines.js";
export { incidentKinds, incidentSeverities, noteKinds, type IncidentKind, type IncidentRow, type IncidentSeverity, type NoteKind, type NoteRow, type ServiceModeRow } from "./store.js";
