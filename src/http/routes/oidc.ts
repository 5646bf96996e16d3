import type { IncomingMessage } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { escapeHtml, formPageCsp, formPageReferrerPolicy, oidcMountPath, page, type PendingInteraction } from "../../identity/index.js";
import { AppError } from "../../kernel/index.js";
import type { HttpServices } from "../context.js";
import { preferredLanguage } from "../language.js";
import { declareRoutePolicy, type RoutePolicy } from "../route-policy.js";

const uidParams = z.object({ uid: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) });

/** The provider's endpoints: it authenticates, parses its bodies and audits (`oauth.*`) itself. */
const providerPolicy: RoutePolicy = { authentication: "provider", rateLimits: ["ip", "account", "client"], errorFormat: "api", inspection: "provider", audit: "oauth", whileReadOnly: "refuse-writes" };
/** Our interaction pages complete the provider's prompts from the web session; their form posts are inspected. */
const interactionPolicy = { authentication: "session", inspection: "standard" } as const;
/** Token, introspection and revocation authenticate the OAuth client, not a browser cookie. */
const clientAuthenticatedPolicy = { authentication: "oauth-client" } as const;

/**
 * The provider's request target below its mount path. The router matched the mount on the decoded path, so the first
 * segment is dropped whatever its spelling (`/%6Fidc/token` is `/token`), and the rest is handed on as received.
 */
export function providerTarget(rawUrl: string): string {
  const next = rawUrl.indexOf("/", 1);
  const query = rawUrl.indexOf("?");
  if (next === -1 || (query !== -1 && query < next)) return query === -1 ? "/" : `/${rawUrl.slice(query)}`;
  return rawUrl.slice(next);
}

/**
 * The OpenID Connect provider under /oidc (a Koa application inside Fastify): the provider's routes get the raw
 * request with its body unread, and our interaction routes complete its login and consent prompts from the
 * browser's Mamori web session (password + second factor).
 */
export function oidcRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { oidc } = services;

  /** Where the browser signs in before the interaction continues (the web UI resumes it afterwards). */
  const signInFirst = (uid: string) => `/?continue=${encodeURIComponent(`${oidcMountPath}/interaction/${uid}`)}`;

  async function pendingOf(request: FastifyRequest, reply: FastifyReply): Promise<PendingInteraction> {
    try {
      return await oidc.interactions.pending(request.raw, reply.raw);
    } catch {
      throw new AppError("oauth.interaction_expired");
    }
  }

  function activeAccountOf(request: FastifyRequest): string | undefined {
    return request.webSession?.stage === "active" ? request.webSession.accountId : undefined;
  }

  function consentPage(request: FastifyRequest, pending: PendingInteraction, clientName: string): string {
    const en = preferredLanguage(request) === "en";
    const scopes = pending.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join("");
    const action = `${oidcMountPath}/interaction/${pending.uid}`;
    return page(
      en ? "Allow access?" : "アクセスを許可しますか？",
      `<h1>${en ? "Allow access?" : "アクセスを許可しますか？"}</h1>` +
        `<p>${en ? `The application <strong>${escapeHtml(clientName)}</strong> asks to use your Mamori records with these permissions:` : `アプリ <strong>${escapeHtml(clientName)}</strong> が次の権限でMamoriの記録を利用しようとしています。`}</p>` +
        `<ul>${scopes}</ul>` +
        `<form method="post" action="${action}/allow"><button type="submit">${en ? "Allow" : "許可する"}</button></form>` +
        `<form method="post" action="${action}/deny"><button type="submit">${en ? "Deny" : "許可しない"}</button></form>`,
    );
  }

  return async (app) => {
    // The provider parses its own bodies: leave the stream unread for it.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", (_request, _payload, done) => done(null));
    declareRoutePolicy(app, providerPolicy);

    app.get(`${oidcMountPath}/interaction/:uid`, { config: { policy: interactionPolicy } }, async (request, reply) => {
      const pending = await pendingOf(request, reply);
      const accountId = activeAccountOf(request);
      if (!accountId || (pending.accountId && pending.accountId !== accountId)) return reply.redirect(signInFirst(pending.uid), 303);
      if (pending.prompt === "login") return reply.redirect(await oidc.interactions.login(request.raw, reply.raw, accountId), 303);
      if (await oidc.clients.isFirstParty(pending.clientId)) return reply.redirect(await oidc.interactions.consent(request.raw, reply.raw), 303);
      const client = await oidc.provider().Client.find(pending.clientId);
      return reply
        .type("text/html; charset=utf-8")
        .header("content-security-policy", formPageCsp(client?.redirectUris ?? []))
        .header("referrer-policy", formPageReferrerPolicy)
        .send(consentPage(request, pending, client?.clientName ?? pending.clientId));
    });

    app.post(`${oidcMountPath}/interaction/:uid/allow`, { config: { policy: interactionPolicy } }, async (request, reply) => {
      uidParams.parse(request.params);
      const pending = await pendingOf(request, reply);
      if (pending.prompt !== "consent" || !pending.accountId || pending.accountId !== activeAccountOf(request)) return reply.redirect(signInFirst(pending.uid), 303);
      return reply.redirect(await oidc.interactions.consent(request.raw, reply.raw), 303);
    });

    app.post(`${oidcMountPath}/interaction/:uid/deny`, { config: { policy: interactionPolicy } }, async (request, reply) => {
      uidParams.parse(request.params);
      await pendingOf(request, reply);
      return reply.redirect(await oidc.interactions.deny(request.raw, reply.raw), 303);
    });

    const handOver = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string; mamoriAccountId?: string; mamoriEndWebSession?: () => Promise<void> };
      raw.originalUrl = raw.url;
      // The provider honours its own session only alongside an active Mamori web session of the same account.
      raw.mamoriAccountId = activeAccountOf(request);
      const webSession = request.webSession;
      if (webSession) raw.mamoriEndWebSession = () => services.sessions.sessions.end(webSession.id, "session.rp_logout");
      raw.url = providerTarget(raw.url ?? "");
      await oidc.handle(raw, reply.raw);
    };
    for (const endpoint of ["/token", "/token/introspection", "/token/revocation"]) {
      app.post(`${oidcMountPath}${endpoint}`, { config: { policy: clientAuthenticatedPolicy } }, handOver);
    }
    app.all(`${oidcMountPath}/*`, handOver);
  };
}

/** SMART App Launch 2 discovery (https://hl7.org/fhir/smart-app-launch/conformance.html). */
export function smartConfigurationRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const issuer = services.oidc.issuer;
  const document = {
    issuer,
    jwks_uri: `${issuer}/jwks`,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/me`,
    introspection_endpoint: `${issuer}/token/introspection`,
    revocation_endpoint: `${issuer}/token/revocation`,
    end_session_endpoint: `${issuer}/session/end`,
    grant_types_supported: ["authorization_code", "refresh_token"],
    response_types_supported: ["code"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "none"],
    code_challenge_methods_supported: ["S256"],
    scopes_supported: ["openid", "fhirUser", "launch/patient", "offline_access", "patient/*.rs", "patient/*.cruds", "user/*.rs", "user/*.cruds", "patient/Patient.r", "user/Patient.cruds"],
    capabilities: [
      "launch-standalone",
      "client-public",
      "client-confidential-symmetric",
      "context-standalone-patient",
      "sso-openid-connect",
      "permission-offline",
      "permission-patient",
      "permission-user",
      "permission-v1",
      "permission-v2",
    ],
  };
  return async (app) => {
    // Public discovery documents: counted like the API they describe where they sit under it (/fhir), never audited.
    declareRoutePolicy(app, { authentication: "none", rateLimits: [], errorFormat: "api", inspection: "standard", audit: "none", whileReadOnly: "refuse-writes" });
    for (const path of ["/.well-known/smart-configuration", "/fhir/R4/.well-known/smart-configuration"]) {
      const underFhir = path.startsWith("/fhir/");
      app.get(path, { config: { policy: underFhir ? { rateLimits: ["ip", "account", "client"], errorFormat: "fhir" } : {} } }, async (_request, reply) => reply.header("cache-control", "public, max-age=3600").send(document));
    }
  };
}
