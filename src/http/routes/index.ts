import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { HttpServices } from "../context.js";
import { accessReviewRoutes } from "./access-review.js";
import { accountRoutes } from "./account.js";
import { accountsAdminRoutes } from "./accounts-admin.js";
import { accountSecurityRoutes } from "./account-security.js";
import { adminRoutes } from "./admin.js";
import { auditRoutes } from "./audit.js";
import { auditKeyRoutes, auditProofRoutes } from "./audit-proofs.js";
import { backupsAdminRoutes } from "./backups-admin.js";
import { breakGlassRoutes } from "./break-glass.js";
import { complianceRoutes } from "./compliance.js";
import { fhirAuditEventRoutes } from "./fhir-audit-event.js";
import { fhirRoutes } from "./fhir.js";
import { incidentRoutes } from "./incidents.js";
import { idsRoutes } from "./ids.js";
import { keysAdminRoutes } from "./keys-admin.js";
import { oauthClientRoutes } from "./oauth-clients.js";
import { oidcRoutes, smartConfigurationRoutes } from "./oidc.js";
import { operationsRoutes } from "./operations.js";
import { patientPortalRoutes } from "./patient-portal.js";
import { portalExportRoutes } from "./portal-export.js";
import { sessionRoutes } from "./session.js";
import { uploadRoutes } from "./uploads.js";

/** Every route group, registered in this order. */
export function routeGroups(services: HttpServices): FastifyPluginAsyncZod[] {
  return [sessionRoutes(services), adminRoutes(services), keysAdminRoutes(services), backupsAdminRoutes(services), auditRoutes(services), patientPortalRoutes(services), auditProofRoutes(services), auditKeyRoutes(services), portalExportRoutes(services), fhirRoutes(services), fhirAuditEventRoutes(services), uploadRoutes(services), accountsAdminRoutes(services), incidentRoutes(services), accountRoutes(services), accessReviewRoutes(services), accountSecurityRoutes(services), complianceRoutes(services), idsRoutes(services), oidcRoutes(services), smartConfigurationRoutes(services), oauthClientRoutes(services), operationsRoutes(services), breakGlassRoutes(services)];
}

export { oneTimeLink } from "./admin.js";
