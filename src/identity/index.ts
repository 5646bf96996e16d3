import type { Audit } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import type { Clock, Principal } from "../kernel/index.js";
import { createAccounts } from "./accounts.js";
import { createInvitations } from "./invitations.js";
import { createFactors } from "./mfa/factors.js";
import { createRecoveryCodes } from "./mfa/recovery-codes.js";
import { createMfaStore } from "./mfa/store.js";
import { createTotp } from "./mfa/totp.js";
import { createWebAuthn, type RelyingParty } from "./mfa/webauthn.js";
import { createPasswords, type PasswordPolicy } from "./passwords.js";
import { createIdentityStore } from "./store.js";

export type { AccountRow } from "./store.js";
export type { IssuedInvitation } from "./invitations.js";
export { hashToken } from "./token-hash.js";
export { webAuthnTimeoutMs, type RelyingParty } from "./mfa/webauthn.js";
export { recoveryCodeCount } from "./mfa/recovery-codes.js";

export interface IdentityDeps {
  db: Database;
  keyring: Keyring;
  audit: Audit;
  clock: Clock;
  passwordPolicy: PasswordPolicy;
  invitationMs: number;
  setupLinkMs: number;
  mayInvite: (principal: Principal) => { allowed: boolean; reasonCode: string };
  mayInvitePatient: (principal: Principal, patientId: string) => { allowed: boolean; reasonCode: string };
  patientExists: (patientId: string) => Promise<boolean>;
  /** WebAuthn relying party (from the public URL). */
  relyingParty: RelyingParty;
  /** Whether patients must keep a second factor (staff always must). */
  patientMfaRequired: boolean;
}

/** Accounts, passwords, second factors and invitations. */
export function createIdentity(deps: IdentityDeps) {
  const passwords = createPasswords(deps.passwordPolicy);
  const mfaStore = () => createMfaStore(deps.db.kysely);
  const recoveryCodes = createRecoveryCodes({ db: deps.db, clock: deps.clock });
  return {
    accounts: createAccounts({ ...deps, passwords }),
    invitations: createInvitations({ ...deps, passwords }),
    totp: createTotp({ store: () => createIdentityStore(deps.db.kysely), keyring: deps.keyring, clock: deps.clock }),
    recoveryCodes,
    webAuthn: createWebAuthn({ store: mfaStore, clock: deps.clock, relyingParty: deps.relyingParty }),
    factors: createFactors({ db: deps.db, audit: deps.audit, recoveryCodes, patientMfaRequired: deps.patientMfaRequired }),
  };
}

export type Identity = ReturnType<typeof createIdentity>;
