import type { Access } from "../access/index.js";
import { actorOf, type Audit } from "../audit/index.js";
import type { Config } from "../config/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { AppError, type Clock, type Principal } from "../kernel/index.js";
import { createAttestations, type Attestations } from "./attestations.js";
import { loadCatalogue, type Control } from "./catalogue.js";
import type { CheckContext, ComplianceCheck } from "./check.js";
import { allChecks } from "./checks/index.js";
import { disclosureDocument } from "./disclosure.js";
import { evaluateControls } from "./evaluate.js";
import { renderHtml } from "./render-html.js";
import type { ReportDocument } from "./document.js";
import { buildReport, type ComplianceReport } from "./report.js";
import { policyAppendix, reportDocument } from "./report-document.js";
import { runChecks } from "./runner.js";
import { createComplianceStore } from "./store.js";
import { detectInstalledVersions, installedLockfileSha256, loadEolTable, readDependencyAudit, readSbomSummary } from "../supply-chain/index.js";

export type { ComplianceCheck, CheckContext, CheckOutcome, ComplianceStatus, Evidence } from "./check.js";
export { outcome } from "./check.js";
export type { ComplianceReport } from "./report.js";
export type { AttestationView } from "./attestations.js";
export type { Control } from "./catalogue.js";
export { loadCatalogue } from "./catalogue.js";
export { allChecks } from "./checks/index.js";
export { runChecks, type CheckResult } from "./runner.js";
export { probeTls } from "./checks/tls-protocols.js";
export { complianceTlsTarget } from "./tls-target.js";
export { reportHtmlContentSecurityPolicy } from "./render-html.js";
/**
 * Renders a report document to PDF. The renderer (pdf-lib, fontkit and the Japanese font) is loaded on the first PDF
 * asked for, not when the service starts: most starts never render one.
 */
export async function renderPdf(document: ReportDocument, options: { withEnglish?: boolean; wholeFonts?: boolean } = {}): Promise<Uint8Array> {
  return (await import("./render-pdf.js")).renderPdf(document, options);
}
export { recordSummary } from "./record-summary.js";
export type { ReportDocument, ReportItem, ReportSection } from "./document.js";

export type ReportFormat = "json" | "html" | "pdf";
export type DocumentKind = "report" | "disclosure";

export interface Compliance {
  readonly catalogue: readonly Control[];
  attestations: Pick<Attestations, "attest" | "approve" | "latest">;
  /** Runs every check and builds the report; Cedar action `read_compliance`, audited `compliance.report`. */
  report(principal: Principal): Promise<ComplianceReport>;
  /** The report or the サービス仕様適合開示書 rendered; same authorization and audit as report(). */
  render(principal: Principal, kind: DocumentKind, format: ReportFormat): Promise<{ body: Buffer; contentType: string }>;
  /** For the operator's command line on the server itself (no principal; the command audits it). */
  generate(): Promise<ComplianceReport>;
  renderReport(report: ComplianceReport, kind: DocumentKind, format: ReportFormat): Promise<{ body: Buffer; contentType: string }>;
  /** What checks are given: the running system (tests run single checks against it, with one part changed). */
  readonly checkContext: CheckContext;
}

export interface ComplianceDeps {
  db: Database;
  config: Readonly<Config>;
  clock: Clock;
  audit: Pick<Audit, "record" | "verify">;
  keyring: Keyring;
  access: Access;
  version: string;
  /** Where the HTTPS server listens (the TLS probe connects there). */
  tlsTarget: { host: string; port: number };
  /** The OAuth provider's refresh-token handling (src/identity/oidc), for SES-2. */
  refreshTokenPolicy: CheckContext["refreshTokenPolicy"];
  /** The checks to run; every check by default. Tests pass their own list. */
  checks?: readonly ComplianceCheck[];
}

/** The SBOM's summary, or undefined when no SBOM has been written yet (any other failure is the check's to report). */
async function readSbomIfPresent(file: string) {
  try {
    return await readSbomSummary(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The compliance module: catalogue, live checks, attestations and reports. */
export async function createCompliance(deps: ComplianceDeps): Promise<Compliance> {
  const catalogue = await loadCatalogue();
  const store = createComplianceStore(deps.db.kysely);
  const attestations = createAttestations({ store, keyring: deps.keyring, audit: deps.audit, clock: deps.clock, catalogue, decide: deps.access.decide });
  const context: CheckContext = {
    config: deps.config,
    db: deps.db,
    clock: deps.clock,
    audit: deps.audit,
    keyring: deps.keyring,
    decide: deps.access.decide,
    recordAuthorizer: (principal) => deps.access.recordAuthorizer(principal),
    policies: deps.access.policies(),
    tlsTarget: deps.tlsTarget,
    networks: deps.access.networkAllowLists(),
    supplyChain: {
      sbom: () => readSbomIfPresent(deps.config.supplyChain.sbomFile),
      sbomMaxAgeMs: deps.config.supplyChain.sbomMaxAgeMs,
      installedVersions: () => detectInstalledVersions(deps.db),
      eolTable: loadEolTable(),
      dependencyAudit: () => readDependencyAudit(deps.config.supplyChain.dependencyAuditFile),
      dependencyAuditMaxAgeMs: deps.config.supplyChain.dependencyAuditMaxAgeMs,
      lockfileSha256: () => installedLockfileSha256(),
    },
    refreshTokenPolicy: deps.refreshTokenPolicy,
  };

  async function generate(): Promise<ComplianceReport> {
    const results = await runChecks(deps.checks ?? allChecks, context, deps.config.compliance.checkTimeoutMs);
    const controls = evaluateControls(catalogue, results, await attestations.latest());
    return buildReport({ controls, policies: context.policies, config: deps.config, version: deps.version, generatedAt: deps.clock.now() });
  }

  async function renderReport(report: ComplianceReport, kind: DocumentKind, format: ReportFormat) {
    if (format === "json") {
      const body = kind === "report" ? report : { format: "mamori-service-disclosure", version: 1, document: disclosureDocument(report, deps.config) };
      return { body: Buffer.from(JSON.stringify(body, null, 2)), contentType: "application/json; charset=utf-8" };
    }
    const document = kind === "report" ? reportDocument(report) : disclosureDocument(report, deps.config);
    if (format === "html") return { body: Buffer.from(renderHtml(document, kind === "report" ? policyAppendix(report) : undefined)), contentType: "text/html; charset=utf-8" };
    return { body: Buffer.from(await renderPdf(document)), contentType: "application/pdf" };
  }

  async function authorized(principal: Principal, kind: DocumentKind): Promise<ComplianceReport> {
    const decision = deps.access.decide(principal, "read_compliance", { type: "System" });
    await deps.audit.record({
      action: "compliance.report",
      outcome: decision.allowed ? "success" : "denied",
      reasonCode: decision.reasonCode,
      actor: actorOf(principal),
      resource: { type: kind === "report" ? "ComplianceReport" : "ServiceDisclosure" },
      network: principal.network,
    });
    if (!decision.allowed) throw new AppError("access.denied", { detail: decision.reasonCode });
    return generate();
  }

  return {
    catalogue,
    attestations,
    report: (principal) => authorized(principal, "report"),
    async render(principal, kind, format) {
      return renderReport(await authorized(principal, kind), kind, format);
    },
    generate,
    renderReport,
    checkContext: context,
  };
}
