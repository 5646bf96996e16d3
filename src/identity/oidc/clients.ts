import type { AdapterPayload } from "oidc-provider";
import type { Audit } from "../../audit/index.js";
import { actorOf } from "../../audit/index.js";
import type { Keyring } from "../../crypto/index.js";
import type { Database } from "../../db/index.js";
import { AppError, newId, newSecretToken, type Clock, type Principal } from "../../kernel/index.js";
import { createOidcStore, type ClientRow } from "./store.js";

export interface ClientRegistration {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  /** A server-side application that can keep a secret; otherwise a public (native or browser) client with PKCE. */
  isConfidential: boolean;
  /** One of our own applications: its users are not asked for consent. */
  isFirstParty: boolean;
}

export interface ClientView extends ClientRegistration {
  clientId: string;
  status: "active" | "disabled";
  createdAt: Date;
}

const secretContext = (clientId: string) => `oidc:client-secret:${clientId}`;
const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Redirect URIs must be https, or http on a loopback address for native apps (RFC 8252 §7.3); never with a
 * fragment (RFC 6749 §3.1.2).
 */
export function isAcceptableRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash || url.username || url.password) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && loopbackHosts.has(url.hostname));
}

/** OAuth clients registered by administrators (Cedar `manage_oauth_clients`); registration and disabling audited. */
export function createOidcClients(deps: {
  db: Database;
  keyring: Keyring;
  audit: Audit;
  clock: Clock;
  supportedScopes: ReadonlySet<string>;
  mayManageClients: (principal: Principal) => { allowed: boolean; reasonCode: string };
}) {
  const { db, keyring, audit, clock } = deps;
  const store = () => createOidcStore(db.kysely);

  async function authorize(principal: Principal, action: string, clientId?: string): Promise<void> {
    const decision = deps.mayManageClients(principal);
    if (decision.allowed) return;
    await audit.record({ action, outcome: "denied", reasonCode: decision.reasonCode, actor: actorOf(principal), resource: { type: "OAuthClient", id: clientId }, network: principal.network });
    throw new AppError("access.denied", { detail: decision.reasonCode });
  }

  function view(row: ClientRow): ClientView {
    return {
      clientId: row.clientId,
      name: row.name,
      redirectUris: row.redirectUris,
      postLogoutRedirectUris: row.postLogoutRedirectUris,
      scopes: row.scopes.split(" ").filter(Boolean),
      isConfidential: row.isConfidential,
      isFirstParty: row.isFirstParty,
      status: row.status,
      createdAt: row.createdAt,
    };
  }

  return {
    // The registered scopes are enforced at consent (interactions.ts), not by oidc-provider's exact-match list,
    // because a SMART scope also covers narrower ones (`user/*.cruds` covers `user/Patient.r`).

    /**
     * Registers a client; the secret of a confidential client is returned here once and stored encrypted.
     * @throws {AppError} `access.denied`, `oauth.invalid_redirect_uri`, `oauth.invalid_client_scope`.
     */
    async register(principal: Principal, registration: ClientRegistration): Promise<{ client: ClientView; clientSecret: string | undefined }> {
      await authorize(principal, "oauth.client_register");
      if (registration.redirectUris.length === 0 || ![...registration.redirectUris, ...registration.postLogoutRedirectUris].every(isAcceptableRedirectUri)) {
        throw new AppError("oauth.invalid_redirect_uri");
      }
      if (!registration.scopes.every((scope) => deps.supportedScopes.has(scope))) throw new AppError("oauth.invalid_client_scope");
      const clientId = newId();
      const clientSecret = registration.isConfidential ? newSecretToken() : undefined;
      const row: ClientRow = {
        clientId,
        name: registration.name,
        secret: clientSecret ? await keyring.encrypt(keyring.systemDataKeyId(), Buffer.from(clientSecret, "utf8"), secretContext(clientId)) : null,
        redirectUris: registration.redirectUris,
        postLogoutRedirectUris: registration.postLogoutRedirectUris,
        scopes: [...new Set(registration.scopes)].join(" "),
        isConfidential: registration.isConfidential,
        isFirstParty: registration.isFirstParty,
        status: "active",
        createdAt: clock.now(),
        createdBy: principal.accountId,
      };
      await db.kysely.transaction().execute(async (trx) => {
        await createOidcStore(trx).insertClient(row);
        await audit.recordWithin(trx, { action: "oauth.client_register", outcome: "success", actor: actorOf(principal), resource: { type: "OAuthClient", id: clientId }, network: principal.network });
      });
      return { client: view(row), clientSecret };
    },

    /** Every registered client, without secrets. @throws {AppError} `access.denied`. */
    async list(principal: Principal): Promise<ClientView[]> {
      await authorize(principal, "oauth.client_list");
      return (await store().clients()).map(view);
    },

    /**
     * Disables a client at once: the provider no longer finds it, so its tokens stop working and it cannot sign in.
     * @throws {AppError} `access.denied`, `oauth.client_not_found`.
     */
    async disable(principal: Principal, clientId: string): Promise<void> {
      await authorize(principal, "oauth.client_disable", clientId);
      await db.kysely.transaction().execute(async (trx) => {
        if (!(await createOidcStore(trx).setClientStatus(clientId, "disabled"))) throw new AppError("oauth.client_not_found");
        await audit.recordWithin(trx, { action: "oauth.client_disable", outcome: "success", actor: actorOf(principal), resource: { type: "OAuthClient", id: clientId }, network: principal.network });
      });
    },

    /** Whether an active client is one of our own applications (no consent page). */
    async isFirstParty(clientId: string): Promise<boolean> {
      const row = await store().client(clientId);
      return row?.status === "active" && row.isFirstParty;
    },

    /** The scopes an active client was registered with (empty when unknown or disabled). */
    async allowedScopes(clientId: string): Promise<string[]> {
      const row = await store().client(clientId);
      return row?.status === "active" ? row.scopes.split(" ").filter(Boolean) : [];
    },

    /** The provider's view of an active client, with its secret decrypted; undefined when unknown or disabled. */
    async metadata(clientId: string): Promise<AdapterPayload | undefined> {
      const row = await store().client(clientId);
      if (!row || row.status !== "active") return undefined;
      const secret = row.secret ? (await keyring.decrypt(row.secret, secretContext(row.clientId))).toString("utf8") : undefined;
      return {
        client_id: row.clientId,
        client_name: row.name,
        ...(secret ? { client_secret: secret, token_endpoint_auth_method: "client_secret_basic" } : { token_endpoint_auth_method: "none" }),
        redirect_uris: row.redirectUris,
        post_logout_redirect_uris: row.postLogoutRedirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        id_token_signed_response_alg: "ES256",
      };
    },
  };
}

export type OidcClients = ReturnType<typeof createOidcClients>;
