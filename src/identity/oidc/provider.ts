import Provider, { errors, type Account, type Adapter, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import type { Audit, AuditEntry } from "../../audit/index.js";
import { namesFhirBase } from "./audience.js";
import { refreshTokenPolicy } from "./refresh-token-policy.js";
import type { SigningKeySet } from "./signing-keys.js";
import { renderErrorPage, renderLogoutPage, renderLoggedOutPage } from "./pages.js";

export interface ProviderSettings {
  issuer: string;
  /** The FHIR base URL an authorization request's `aud` must name (SMART App Launch). */
  fhirBaseUrl: string;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  sessionSeconds: number;
  scopes: readonly string[];
  cookieKeys: string[];
}

/** An account as the provider sees it: its id and, for a patient, the Patient record (SMART launch context). */
export type ProviderAccount = Account & { patientId: string | undefined };

export interface ProviderDeps {
  settings: ProviderSettings;
  keys: SigningKeySet;
  adapter: (model: string) => Adapter;
  audit: Audit;
  /** The active account behind a subject, or undefined when it may no longer use tokens. */
  findAccount: (accountId: string) => Promise<ProviderAccount | undefined>;
}

const oidcScopes = ["openid", "offline_access", "launch/patient", "fhirUser"];


/**
 * Builds the oidc-provider instance: authorization code with PKCE S256 only, refresh token rotation (a rotated token
 * presented again revokes its whole grant: oidc-provider's refresh_token grant does so for consumed tokens), revocation,
 * introspection, RP-initiated logout, ES256 keys from our store. Every outcome that matters is audited before the
 * response leaves (a post-middleware awaits the audit writer).
 */
export function buildProvider(deps: ProviderDeps): Provider {
  const { settings } = deps;
  const configuration: Configuration = {
    adapter: deps.adapter,
    clients: [],
    jwks: { keys: deps.keys.keys as NonNullable<Configuration["jwks"]>["keys"] },
    cookies: { keys: settings.cookieKeys },
    scopes: [...oidcScopes, ...settings.scopes.filter((scope) => !oidcScopes.includes(scope))],
    claims: { openid: ["sub"], fhirUser: ["fhirUser"] },
    responseTypes: ["code"],
    // SMART App Launch: `aud` names the FHIR server the token is for; only this one is served. Checked with the
    // request's other parameters, so a mismatch goes back to the client as invalid_request before any consent.
    extraParams: {
      aud: (_ctx, value) => {
        if (value !== undefined && !namesFhirBase(value, settings.fhirBaseUrl)) throw new errors.InvalidRequest("aud does not name this FHIR server");
      },
    },
    // RFC 9700 §2.1.1: PKCE for every client; oidc-provider 9 accepts S256 only, so `plain` is refused.
    pkce: { required: () => true },
    clientDefaults: { id_token_signed_response_alg: "ES256", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] },
    enabledJWA: { idTokenSigningAlgValues: ["ES256"], userinfoSigningAlgValues: ["ES256"], introspectionSigningAlgValues: ["ES256"] },
    features: {
      devInteractions: { enabled: false },
      // RFC 7009 §2.1: a client revokes only its own tokens.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      introspection: {
        enabled: true,
        // Registered confidential clients (resource servers among them) may introspect any token; a public client
        // only its own.
        allowedPolicy: async (ctx, client, token) => client.clientAuthMethod !== "none" || token.clientId === ctx.oidc.client?.clientId,
      },
      rpInitiatedLogout: { enabled: true, logoutSource: renderLogoutPage, postLogoutSuccessSource: renderLoggedOutPage },
      userinfo: { enabled: true },
    },
    findAccount: async (_ctx, sub) => deps.findAccount(sub),
    interactions: { url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}` },
    // Reuse detection rests on rotation: only a rotated token can come back consumed.
    rotateRefreshToken: refreshTokenPolicy.rotation,
    ttl: {
      AccessToken: settings.accessTokenSeconds,
      AuthorizationCode: 60,
      IdToken: settings.accessTokenSeconds,
      Interaction: 600,
      Session: settings.sessionSeconds,
      Grant: settings.refreshTokenSeconds,
      // Absolute lifetime: a rotated refresh token inherits what is left since the first one was issued.
      RefreshToken: (_ctx, token) => {
        const issuedFirst = token.iiat ?? token.iat ?? Math.floor(Date.now() / 1000);
        return Math.max(1, settings.refreshTokenSeconds - (Math.floor(Date.now() / 1000) - issuedFirst));
      },
    },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    renderError: renderErrorPage,
  };
  const provider = new Provider(settings.issuer, configuration);

  provider.on("authorization.success", (ctx: KoaContextWithOIDC) => {
    ctx.state["mamoriAuthorized"] = true;
  });
  provider.on("end_session.success", (ctx: KoaContextWithOIDC) => {
    ctx.state["mamoriLoggedOut"] = ctx.oidc.session?.accountId ?? "";
  });
  // The provider's own session is only as good as the Mamori web session behind it: an authorization request from a
  // browser without one (signed out, expired, another account) is treated as having no provider session, so it
  // goes through our sign-in again (the login prompt).
  provider.use(async (ctx, next) => {
    if (ctx.path === "/auth" && ctx.req.headers.cookie) {
      const webAccount = (ctx.req as { mamoriAccountId?: string }).mamoriAccountId;
      const session = webAccount ? await provider.Session.get(ctx as unknown as KoaContextWithOIDC).catch(() => undefined) : undefined;
      if (!webAccount || (session?.accountId && session.accountId !== webAccount)) {
        ctx.req.headers.cookie = ctx.req.headers.cookie
          .split(";")
          .filter((pair) => !/^\s*_session(\.|=)/.test(pair))
          .join(";");
      }
    }
    await next();
  });
  provider.use(async (ctx, next) => {
    await next();
    for (const entry of auditEntriesOf(ctx as KoaContextWithOIDC)) await deps.audit.record(entry);
    // RP-initiated logout signs the user out of Mamori too: the web session is what the provider's login stands on.
    const endWebSession = (ctx.req as { mamoriEndWebSession?: () => Promise<void> }).mamoriEndWebSession;
    if (typeof ctx.state["mamoriLoggedOut"] === "string" && endWebSession) await endWebSession();
  });
  provider.use(async (ctx, next) => {
    await next();
    addLaunchContext(ctx as KoaContextWithOIDC);
  });
  return provider;
}

/** SMART launch context in the token response: a patient's own record when patient access was granted. */
function addLaunchContext(ctx: KoaContextWithOIDC): void {
  if (ctx.oidc?.route !== "token" || ctx.status !== 200 || typeof ctx.body !== "object" || ctx.body === null) return;
  const body = ctx.body as Record<string, unknown>;
  const account = ctx.oidc.entities.Account as ProviderAccount | undefined;
  const scopes = typeof body["scope"] === "string" ? body["scope"].split(" ") : [];
  if (account?.patientId && scopes.some((scope) => scope === "launch/patient" || scope.startsWith("patient/"))) body["patient"] = account.patientId;
}

/** The audit entries of one provider request: identifiers only, never a token value. */
function auditEntriesOf(ctx: KoaContextWithOIDC): AuditEntry[] {
  const oidc = ctx.oidc;
  if (!oidc) return [];
  const network = { ip: ctx.ip, userAgent: (ctx.get("user-agent") || "").slice(0, 256) };
  const client = oidc.client?.clientId;
  const failed = ctx.status >= 400;
  const error = failed && typeof ctx.body === "object" && ctx.body !== null ? String((ctx.body as { error?: unknown }).error ?? "server_error") : undefined;
  const entry = (action: string, accountId: string | undefined, grantId: string | undefined, outcome: AuditEntry["outcome"] = failed ? "failure" : "success"): AuditEntry => ({
    action,
    outcome,
    ...(error ? { reasonCode: `oauth.${error}` } : {}),
    actor: { accountId, ...(client ? { client } : {}) },
    resource: { type: "OAuthGrant", id: grantId },
    network,
  });

  switch (oidc.route) {
    case "authorization":
    case "resume":
      return ctx.state["mamoriAuthorized"] ? [entry("oauth.authorize", oidc.session?.accountId, oidc.entities.AuthorizationCode?.grantId)] : [];
    case "token": {
      const grantType = oidc.params?.["grant_type"];
      if (grantType === "authorization_code") {
        const code = oidc.entities.AuthorizationCode;
        return [entry("oauth.token_issue", code?.accountId, code?.grantId)];
      }
      if (grantType === "refresh_token") {
        const refreshToken = oidc.entities.RefreshToken;
        // oidc-provider revokes the grant when a consumed (rotated) refresh token comes back: a stolen token in use.
        if (failed && refreshToken?.consumed) return [{ ...entry(refreshTokenPolicy.reuseAuditAction, refreshToken.accountId, refreshToken.grantId, "denied"), reasonCode: "oauth.refresh_token_reused" }];
        return [entry("oauth.refresh", refreshToken?.accountId, refreshToken?.grantId)];
      }
      return [];
    }
    case "revocation": {
      const token = oidc.entities.RefreshToken ?? oidc.entities.AccessToken;
      return token ? [entry("oauth.revoke", token.accountId, token.grantId)] : [];
    }
    case "end_session_confirm":
      return typeof ctx.state["mamoriLoggedOut"] === "string" ? [entry("oauth.logout", ctx.state["mamoriLoggedOut"] || undefined, undefined)] : [];
    default:
      return [];
  }
}
