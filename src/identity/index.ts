import type { Audit } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import type { Role } from "../../shared/api/session.js";
import type { Clock, Principal, RequestOrigin } from "../kernel/index.js";
import { createAccounts } from "./accounts.js";
import { createAccessReview, type ReviewAction } from "./access-review.js";
import { createInvitations, type InvitationAdminAction } from "./invitations.js";
import { createPatientInvitations, type PatientInvitationDeps } from "./patient-invitations.js";
import { createLifecycle, type LifecycleAction } from "./lifecycle.js";
import { createRoleChanges, type RoleChangeAction, type RoleChangeContext } from "./role-changes.js";
import { createLockout, type LockoutPolicy } from "./lockout.js";
import { createFactors } from "./mfa/factors.js";
import { createRecoveryCodes } from "./mfa/recovery-codes.js";
import { createMfaStore } from "./mfa/store.js";
import { createTotp } from "./mfa/totp.js";
import { createWebAuthn, type RelyingParty } from "./mfa/webauthn.js";
import { createPasswords, type PasswordPolicy } from "./passwords.js";
import { createIdentityStore } from "./store.js";

export type { AccountRow } from "./store.js";
export type { InvitationAdminAction, IssuedInvitation } from "./invitations.js";
export type { PatientInvitationIssued } from "./patient-invitations.js";
export type { PendingInvitationRow } from "./store.js";
export type { LockoutPolicy, LockState } from "./lockout.js";
export type { DeactivationListener, LifecycleAction } from "./lifecycle.js";
export type { PendingRoleRequest, RoleChangeAction, RoleChangeContext, RoleChangeOutcome, RolesRemovedListener } from "./role-changes.js";
export { accessReportCsv, type AccessReport, type AccountReviewRow, type ReviewAction } from "./access-review.js";
export { hashToken } from "./token-hash.js";
export { commandLinePrincipal } from "./command-principal.js";
export { webAuthnTimeoutMs, type RelyingParty } from "./mfa/webauthn.js";
export { recoveryCodeCount } from "./mfa/recovery-codes.js";
export { createOidc, rotateOidcSigningKeys, oidcMountPath, escapeHtml, formPageCsp, formPageReferrerPolicy, page, isAcceptableRedirectUri, type Oidc, type OidcSettings, type ClientRegistration, type ClientView, type PendingInteraction } from "./oidc/index.js";

export interface IdentityDeps {
  db: Database;
  keyring: Keyring;
  audit: Audit;
  clock: Clock;
  passwordPolicy: PasswordPolicy;
  lockoutPolicy: LockoutPolicy;
  /** Asks the access policy whether the principal may unlock accounts (`unlock_account`). */
  mayUnlock: (principal: Principal) => { allowed: boolean; reasonCode: string };
  /** Staff accounts unused this long are disabled by the dormant sweep. */
  dormantDays: number;
  /** Asks the access policy about account lifecycle actions. */
  mayManage: (principal: Principal, action: LifecycleAction) => { allowed: boolean; reasonCode: string };
  /** Asks the access policy about role changes and their approval, with whose account and who asked. */
  mayChangeRoles: (principal: Principal, action: RoleChangeAction, context?: RoleChangeContext) => { allowed: boolean; reasonCode: string };
  /** How long a role change waiting for a second administrator stays open. */
  roleRequestMs: number;
  /** Asks the access policy about the access review and the account list. */
  mayReview: (principal: Principal, action: ReviewAction) => { allowed: boolean; reasonCode: string };
  invitationMs: number;
  setupLinkMs: number;
  mayInvite: (principal: Principal) => { allowed: boolean; reasonCode: string };
  /** Patient portal invitations: the care-relationship decision, the record's e-mail address and delivery. */
  patientInvitations: Omit<PatientInvitationDeps, "db" | "audit" | "clock" | "invitationMs">;
  mayAcceptInvitation: (role: Role, origin: RequestOrigin) => { allowed: boolean; reasonCode: string };
  /** Asks the access policy whether the principal may list or revoke pending invitations. */
  mayManageInvitations: (principal: Principal, action: InvitationAdminAction) => { allowed: boolean; reasonCode: string };
  /** WebAuthn relying party (from the public URL). */
  relyingParty: RelyingParty;
  /** Whether patients must keep a second factor (staff always must). */
  patientMfaRequired: boolean;
}

/** Accounts, passwords, second factors and invitations. */
export function createIdentity(deps: IdentityDeps) {
  const passwords = createPasswords(deps.passwordPolicy);
  const lockout = createLockout({
    ...deps,
    policy: deps.lockoutPolicy,
    emailOf: async (accountId) => (await createIdentityStore(deps.db.kysely).account(accountId))?.email,
  });
  const mfaStore = () => createMfaStore(deps.db.kysely);
  const recoveryCodes = createRecoveryCodes({ db: deps.db, clock: deps.clock });
  return {
    accounts: createAccounts({ ...deps, passwords, lockout }),
    lockout,
    lifecycle: createLifecycle({ ...deps, may: deps.mayManage }),
    roleChanges: createRoleChanges({ ...deps, requestMs: deps.roleRequestMs, may: deps.mayChangeRoles }),
    accessReview: createAccessReview({ ...deps, lockout, may: deps.mayReview }),
    invitations: createInvitations({ ...deps, passwords }),
    patientInvitations: createPatientInvitations({ ...deps.patientInvitations, db: deps.db, audit: deps.audit, clock: deps.clock, invitationMs: deps.invitationMs }),
    totp: createTotp({ store: () => createIdentityStore(deps.db.kysely), keyring: deps.keyring, clock: deps.clock }),
    recoveryCodes,
    webAuthn: createWebAuthn({ store: mfaStore, clock: deps.clock, relyingParty: deps.relyingParty }),
    factors: createFactors({ db: deps.db, audit: deps.audit, recoveryCodes, patientMfaRequired: deps.patientMfaRequired }),
  };
}

export type Identity = ReturnType<typeof createIdentity>;
export { refreshTokenPolicy, type RefreshTokenPolicy } from "./oidc/index.js";
