import type { ComplianceCheck } from "../check.js";
import { adminMfa } from "./admin-mfa.js";
import { adminNoClinical } from "./admin-no-clinical.js";
import { auditChain } from "./audit-chain.js";
import { auditCheckpointAge } from "./audit-checkpoint-age.js";
import { auditRetention } from "./audit-retention.js";
import { backupAge } from "./backup-age.js";
import { backupGenerations } from "./backup-generations.js";
import { clockSkew } from "./clock-skew.js";
import { dataLocation } from "./data-location.js";
import { disclosureOrganisation } from "./disclosure-organisation.js";
import { dormantAccounts } from "./dormant-accounts.js";
import { encryptionAtRest } from "./encryption-at-rest.js";
import { keyRotation } from "./key-rotation.js";
import { passwordPolicy } from "./password-policy.js";
import { personalIdentity } from "./personal-identity.js";
import { policiesAnnotated } from "./policies-annotated.js";
import { recordsRetention } from "./records-retention.js";
import { restoreDrill } from "./restore-drill.js";
import { runtimeVersion } from "./runtime-version.js";
import { sessionAbsoluteLimit } from "./session-absolute-limit.js";
import { sessionIdleTimeout } from "./session-idle-timeout.js";
import { setupLinks } from "./setup-links.js";
import { siemExport } from "./siem-export.js";
import { staffMfa } from "./staff-mfa.js";
import { tlsProtocols } from "./tls-protocols.js";
import { uploadsSanitiser } from "./uploads-sanitiser.js";
import { authLockout } from "./auth-lockout.js";
import { mfaFactors } from "./mfa-factors.js";
import { networkAllowList } from "./network-allow-list.js";
import { sbomFreshness } from "./sbom-freshness.js";
import { runtimeEol } from "./runtime-eol.js";
import { incidentRecords } from "./incident-records.js";
import { ciSecurityGates } from "./ci-security-gates.js";
import { wafEnabled } from "./waf-enabled.js";
import { idsRulesEnabled } from "./ids-rules-enabled.js";
import { idsAlertsHandled } from "./ids-alerts-handled.js";
import { oidcTokenLifetimes } from "./oidc-token-lifetimes.js";
import { fhirVersioning } from "./fhir-versioning.js";
import { breakGlassReviews } from "./break-glass-reviews.js";
import { consentEnforced } from "./consent-enforced.js";
import { dependencyAudit } from "./dependency-audit.js";
import { chartExport } from "./chart-export.js";
import { patientExport } from "./patient-export.js";

/**
 * Every live check, in report order. To add one: a file in this folder exporting a ComplianceCheck whose id the
 * catalogue already names, and one line here.
 */
export const allChecks: readonly ComplianceCheck[] = [
  tlsProtocols,
  staffMfa,
  passwordPolicy,
  sessionIdleTimeout,
  sessionAbsoluteLimit,
  dormantAccounts,
  personalIdentity,
  setupLinks,
  adminMfa,
  policiesAnnotated,
  adminNoClinical,
  auditChain,
  auditCheckpointAge,
  siemExport,
  clockSkew,
  encryptionAtRest,
  fhirVersioning,
  chartExport,
  keyRotation,
  backupAge,
  backupGenerations,
  restoreDrill,
  auditRetention,
  recordsRetention,
  uploadsSanitiser,
  patientExport,
  dataLocation,
  disclosureOrganisation,
  runtimeVersion,
  authLockout,
  mfaFactors,
  networkAllowList,
  sbomFreshness,
  runtimeEol,
  dependencyAudit,
  incidentRecords,
  ciSecurityGates,
  wafEnabled,
  idsRulesEnabled,
  idsAlertsHandled,
  breakGlassReviews,
  consentEnforced,
  oidcTokenLifetimes,
];
