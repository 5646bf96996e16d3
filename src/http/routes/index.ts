import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { HttpServices } from "../context.js";
import { adminRoutes } from "./admin.js";
import { auditRoutes } from "./audit.js";
import { fhirAuditEventRoutes } from "./fhir-audit-event.js";
import { fhirRoutes } from "./fhir.js";
import { sessionRoutes } from "./session.js";

/** Every route group, registered in this order. */
export function routeGroups(services: HttpServices): FastifyPluginAsyncZod[] {
  return [sessionRoutes(services), adminRoutes(services), auditRoutes(services), fhirRoutes(services), fhirAuditEventRoutes(services)];
}

export { oneTimeLink } from "./admin.js";
