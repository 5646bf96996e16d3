import type { Audit } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import type { Clock, Principal } from "../kernel/index.js";
import { createAccounts } from "./accounts.js";
import { createInvitations } from "./invitations.js";
import { createTotp } from "./mfa/totp.js";
import { createPasswords, type PasswordPolicy } from "./passwords.js";
import { createIdentityStore } from "./store.js";

export type { AccountRow } from "./store.js";
export type { IssuedInvitation } from "./invitations.js";
export { hashToken } from "./token-hash.js";
export { createOidc, rotateOidcSigningKeys, oidcMountPath, escapeHtml, formPageCsp, formPageReferrerPolicy, page, isAcceptableRedirectUri, type Oidc, type OidcSettings, type ClientRegistration, type ClientView, type PendingInteraction } from "./oidc/index.js";

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
}

/** Accounts, passwords, second factors and invitations. */
export function createIdentity(deps: IdentityDeps) {
  const passwords = createPasswords(deps.passwordPolicy);
  return {
    accounts: createAccounts({ ...deps, passwords }),
    invitations: createInvitations({ ...deps, passwords }),
    totp: createTotp({ store: () => createIdentityStore(deps.db.kysely), keyring: deps.keyring, clock: deps.clock }),
  };
}

export type Identity = ReturnType<typeof createIdentity>;
