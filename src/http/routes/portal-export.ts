import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { recordSummary, renderPdf } from "../../compliance/index.js";
import type { FhirResource } from "../../fhir/index.js";
import { AppError, type Clock, type Principal } from "../../kernel/index.js";
import { requirePrincipal } from "../plugins/authenticate.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";

/** What the route needs of the records module: the patient's visible records (authorizes and audits inside). */
export interface PatientRecordExport {
  everything(principal: Principal, patientId: string): Promise<{ resourceType: "Bundle"; entry: { resource: FhirResource }[] }>;
}

/**
 * GET /api/portal/export.pdf: the signed-in patient's own record as a readable A4 PDF (BIZ UDPGothic), built from
 * the same Bundle as Patient/$everything. Only a patient account, only its own record; never cached.
 */
export function portalExportRoutes(services: { records: PatientRecordExport; clock: Clock }): FastifyPluginAsyncZod {
  return async (app) => {
    declareRoutePolicy(app, sessionApi("fhir"));
    app.get("/api/portal/export.pdf", async (request, reply) => {
      const principal = requirePrincipal(request);
      if (!principal.roles.includes("patient") || !principal.patientId) throw new AppError("access.denied");
      const bundle = await services.records.everything(principal, principal.patientId);
      const pdf = await renderPdf(recordSummary(bundle, services.clock.now()), { withEnglish: false });
      return reply
        .type("application/pdf")
        .header("content-disposition", 'attachment; filename="mamori-record.pdf"')
        .header("cache-control", "no-store")
        .header("x-content-type-options", "nosniff")
        .send(Buffer.from(pdf));
    });
  };
}
