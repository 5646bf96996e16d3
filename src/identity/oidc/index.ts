import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { Audit } from "../../audit/index.js";
import type { Keyring } from "../../crypto/index.js";
import type { Database } from "../../db/index.js";
import { AppError, type Clock, type Principal, type RequestOrigin } from "../../kernel/index.js";
import type { AccountRow } from "../store.js";
import { createAdapterFactory } from "./adapter.js";
import { createOidcClients } from "./clients.js";
import { createInteractions } from "./interactions.js";
import { refreshTokenPolicy } from "./refresh-token-policy.js";
import { createSigningKeys } from "./signing-keys.js";
import { createOidcStore } from "./store.js";

export type { ClientRegistration, ClientView, OidcClients } from "./clients.js";
export { isAcceptableRedirectUri } from "./clients.js";
export { refreshTokenPolicy, type RefreshTokenPolicy } from "./refresh-token-policy.js";
export type { PendingInteraction, Interactions } from "./interactions.js";
export { escapeHtml, formPageCsp, formPageReferrerPolicy, page } from "./pages.js";

export interface OidcSettings {
  publicUrl: URL;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  sessionSeconds: number;
}

/** The path the provider is mounted under; the issuer is the public URL plus this path. */
export const oidcMountPath = "/oidc";

const keyCheckIntervalMs = 60_000;

/**
 * Rotates the token signing keys without a running service (`mamori oidc rotate-keys`); running nodes pick the new
 * key up within a minute. Returns the new key id.
 */
export async function rotateOidcSigningKeys(deps: { db: Database; keyring: Keyring; clock: Clock; audit: Audit }): Promise<string> {
  const kid = await createSigningKeys(deps).rotate();
  await deps.audit.record({ action: "oauth.signing_key_rotate", outcome: "success", actor: {}, resource: { type: "OAuthSigningKey", id: kid }, network: { ip: "127.0.0.1", userAgent: "mamori-cli" } });
  return kid;
}

/**
 * Mamori's OpenID Connect / OAuth 2.0 provider (oidc-provider) with its storage in our database, ES256 keys
 * encrypted by the keyring, administrator-registered clients and bearer-token authentication of API requests.
 */
export async function createOidc(deps: {
  db: Database;
  keyring: Keyring;
  audit: Audit;
  clock: Clock;
  settings: OidcSettings;
  /** SMART resource scopes the service recognises (from access). */
  smartScopes: readonly string[];
  /** Whether a requested scope lies within a client's registered ones (from access). */
  isScopeCovered: (requested: string, allowed: readonly string[]) => boolean;
  accountOf: (accountId: string) => Promise<AccountRow | undefined>;
  mayManageClients: (principal: Principal) => { allowed: boolean; reasonCode: string };
}) {
  const { db, keyring, audit, clock, settings } = deps;
  const issuer = new URL(oidcMountPath, settings.publicUrl).toString();
  const scopes = ["openid", "offline_access", "launch/patient", "fhirUser", ...deps.smartScopes];
  const clients = createOidcClients({ db, keyring, audit, clock, supportedScopes: new Set(scopes), mayManageClients: deps.mayManageClients });
  const signingKeys = createSigningKeys({ db, keyring, clock });
  const adapter = createAdapterFactory({ db, keyring, clientMetadata: (clientId) => clients.metadata(clientId) });
  // Signed-cookie keys derived from the keyring, so every node agrees without another stored secret.
  const cookieKeys = [keyring.blindIndex("oidc.cookie-keys", "v1").toString("base64url")];

  async function activeAccount(accountId: string): Promise<AccountRow | undefined> {
    const account = await deps.accountOf(accountId);
    return account?.status === "active" ? account : undefined;
  }

  async function build(): Promise<{ provider: Provider; kid: string; handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> }> {
    const keys = await signingKeys.load();
    // oidc-provider loads with the service, not with `mamori oidc rotate-keys` or the compliance report, which read
    // this module for its key rotation and refresh-token policy only.
    const { buildProvider } = await import("./provider.js");
    const provider = buildProvider({
      settings: { issuer, fhirBaseUrl: new URL("/fhir/R4", settings.publicUrl).toString(), accessTokenSeconds: settings.accessTokenSeconds, refreshTokenSeconds: settings.refreshTokenSeconds, sessionSeconds: settings.sessionSeconds, scopes, cookieKeys },
      keys,
      adapter,
      audit,
      findAccount: async (accountId) => {
        const account = await activeAccount(accountId);
        if (!account) return undefined;
        const fhirUser = account.patientId ? new URL(`/fhir/R4/Patient/${account.patientId}`, settings.publicUrl).toString() : undefined;
        return { accountId, patientId: account.patientId ?? undefined, claims: async () => ({ sub: accountId, ...(fhirUser ? { fhirUser } : {}) }) };
      },
    });
    const callback = provider.callback();
    return { provider, kid: keys.activeKid, handle: async (req, res) => void (await callback(req, res)) };
  }

  let current = await build();
  let keysCheckedAt = Date.now();

  /** Another node or the CLI may have rotated the keys: look at most once a minute, rebuild when they changed. */
  async function currentProvider(): Promise<typeof current> {
    if (Date.now() - keysCheckedAt < keyCheckIntervalMs) return current;
    keysCheckedAt = Date.now();
    // Expired artifacts are dead weight; a failed purge is simply retried at the next check.
    void createOidcStore(db.kysely).purgeExpired(new Date()).catch(() => undefined);
    const activeKid = await createOidcStore(db.kysely).activeSigningKid();
    if (activeKid && activeKid !== current.kid) current = await build();
    return current;
  }

  return {
    issuer,
    scopes,
    clients,
    interactions: createInteractions({ provider: () => current.provider, allowedScopes: (clientId) => clients.allowedScopes(clientId), isScopeCovered: deps.isScopeCovered }),
    provider: () => current.provider,
    /** Refresh-token rotation and reuse detection as the provider is built with them (SES-2 evidence). */
    refreshTokenPolicy,
    /** Hands a raw request (URL already relative to the mount path) to the provider. */
    handle: async (req: IncomingMessage, res: ServerResponse) => (await currentProvider()).handle(req, res),

    /**
     * Makes a new ES256 key the signer; the previous one stays in the JWKS so the tokens it signed still verify.
     * Other nodes pick the new key up when they restart. Returns the new key id.
     */
    async rotateSigningKeys(): Promise<string> {
      const kid = await signingKeys.rotate();
      current = await build();
      await audit.record({ action: "oauth.signing_key_rotate", outcome: "success", actor: {}, resource: { type: "OAuthSigningKey", id: kid }, network: { ip: "127.0.0.1", userAgent: "mamori" } });
      return kid;
    },

    /**
     * Revokes every grant, token and provider session of an account (account disabled, credentials compromised).
     * Returns how many artifacts were removed; audited as `oauth.revoke`.
     */
    async revokeAllGrantsOf(accountId: string, reasonCode: string, origin: RequestOrigin = { ip: "127.0.0.1", userAgent: "mamori" }): Promise<number> {
      const removed = await createOidcStore(db.kysely).destroyAccount(accountId);
      await audit.record({ action: "oauth.revoke", outcome: "success", reasonCode, actor: { accountId }, resource: { type: "OAuthGrant" }, network: origin });
      return removed;
    },

    /**
     * The principal of a bearer access token: its account's current roles and patient, its client and scopes.
     * The account's status is read on every use, so a disabled account's tokens stop at once.
     * @throws {AppError} `oauth.invalid_token`.
     */
    async principalOfBearer(token: string, origin: RequestOrigin): Promise<Principal> {
      const provider = current.provider;
      const accessToken = await provider.AccessToken.find(token);
      const account = accessToken?.accountId ? await activeAccount(accessToken.accountId) : undefined;
      const client = accessToken?.clientId ? await provider.Client.find(accessToken.clientId) : undefined;
      if (!accessToken || !account || !client) throw new AppError("oauth.invalid_token");
      return {
        accountId: account.id,
        roles: account.roles,
        sessionId: `grant:${accessToken.grantId ?? ""}`,
        network: origin,
        client: accessToken.clientId,
        patientId: account.patientId ?? undefined,
        scopes: (accessToken.scope ?? "").split(" ").filter(Boolean),
      };
    },

    /** Audits a refused bearer token (no token value, no account). */
    async auditRefusedBearer(origin: RequestOrigin): Promise<void> {
      await audit.record({ action: "oauth.bearer_refused", outcome: "denied", reasonCode: "oauth.invalid_token", actor: {}, network: origin });
    },

    /** Removes expired artifacts (called periodically). */
    purgeExpired: () => createOidcStore(db.kysely).purgeExpired(clock.now()),
  };
}

export type Oidc = Awaited<ReturnType<typeof createOidc>>;
