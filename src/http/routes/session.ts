import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  acceptInvitationRequest,
  apiError,
  enrolmentCompleted,
  invitationView,
  passkeyAuthenticationRequest,
  passkeyRegistrationRequest,
  recoveryCodeRequest,
  reverifyRequest,
  reverifyResponse,
  webAuthnOptions,
  loginRequest,
  sessionView,
  totpEnrolmentStart,
  totpVerifyRequest,
} from "../../../shared/api/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { clearSessionCookie, requirePrincipal, setSessionCookie } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError, 422: apiError, 429: apiError };

/** Sign-in, second factor, sign-out and invitations: the browser session's life. */
export function sessionRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { signIn, sessions } = services.sessions;

  return async (app) => {
    // The sign-in steps: a session at any stage or none yet, the stricter `auth` budget per address (AUTH-7), and
    // usable in read-only mode so the security officer can still sign in to switch it off.
    declareRoutePolicy(app, sessionApi("auth", { authentication: "sign-in", rateLimits: ["ip", "auth", "account", "client"], whileReadOnly: "serve" }));

    app.get("/api/session", { config: { policy: { rateLimits: ["ip", "account", "client"], audit: "none" } }, schema: { response: { 200: sessionView } } }, async (request) => signIn.view(request.webSession));

    app.post("/api/auth/login", { schema: { body: loginRequest, response: { 200: sessionView, ...errors } } }, async (request, reply) => {
      // A new sign-in replaces whatever session the browser had.
      if (request.webSession) await sessions.end(request.webSession.id, "session.replaced");
      const { token } = await signIn.withPassword(request.body.email, request.body.password, request.origin);
      setSessionCookie(reply, token);
      return viewOf(token, request.origin);
    });

    app.post("/api/auth/totp/verify", { schema: { body: totpVerifyRequest, response: { 200: sessionView, ...errors } } }, async (request, reply) => {
      const { token } = await signIn.withTotp(request.webSession, request.body.code, request.origin);
      setSessionCookie(reply, token);
      return viewOf(token, request.origin);
    });

    app.post("/api/auth/totp/enrolment", { schema: { response: { 200: totpEnrolmentStart, ...errors } } }, async (request) =>
      signIn.startTotpEnrolment(request.webSession, request.origin),
    );

    // The answer carries the recovery codes: the only time they are ever shown.
    app.post("/api/auth/totp/enrolment/confirm", { schema: { body: totpVerifyRequest, response: { 200: enrolmentCompleted, ...errors } } }, async (request, reply) => {
      const { token, recoveryCodes } = await signIn.confirmTotpEnrolment(request.webSession, request.body.code, request.origin);
      setSessionCookie(reply, token);
      return { ...(await viewOf(token, request.origin)), recoveryCodes };
    });

    app.post("/api/auth/recovery-code/verify", { schema: { body: recoveryCodeRequest, response: { 200: sessionView, ...errors } } }, async (request, reply) => {
      const { token } = await signIn.withRecoveryCode(request.webSession, request.body.code, request.origin);
      setSessionCookie(reply, token);
      return viewOf(token, request.origin);
    });

    // Assertion options for the second-factor step, and for re-verification in an active session.
    app.post("/api/auth/passkey/options", { schema: { response: { 200: webAuthnOptions, ...errors } } }, async (request) => ({
      options: { ...(await signIn.passkeyOptions(request.webSession)) },
    }));

    app.post("/api/auth/passkey/verify", { schema: { body: passkeyAuthenticationRequest, response: { 200: sessionView, ...errors } } }, async (request, reply) => {
      const { token } = await signIn.withPasskey(request.webSession, request.body.response, request.origin);
      setSessionCookie(reply, token);
      return viewOf(token, request.origin);
    });

    // Creation options at enrolment (a passkey instead of TOTP); the settings page has its own, step-up guarded.
    app.post("/api/auth/passkey/registration/options", { schema: { response: { 200: webAuthnOptions, ...errors } } }, async (request) => ({
      options: { ...(await signIn.passkeyRegistrationOptions(request.webSession, "enrolment_required")) },
    }));

    app.post("/api/auth/passkey/registration", { schema: { body: passkeyRegistrationRequest, response: { 200: enrolmentCompleted, ...errors } } }, async (request, reply) => {
      const { token, recoveryCodes } = await signIn.completePasskeyEnrolment(request.webSession, request.body.name, request.body.response, request.origin);
      setSessionCookie(reply, token);
      return { ...(await viewOf(token, request.origin)), recoveryCodes };
    });

    // Step-up: a fresh second factor in an active session, for the privileged actions that ask for one.
    app.post("/api/auth/reverify", { config: { policy: { authentication: "session" } }, schema: { body: reverifyRequest, response: { 200: reverifyResponse, ...errors } } }, async (request) => {
      const at = await services.sessions.accountSecurity.reverify(requirePrincipal(request), request.body);
      return { mfaAt: at.getTime() };
    });

    app.post("/api/auth/logout", { schema: { response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await signIn.signOut(request.webSession, request.origin);
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    });

    app.post("/api/invitations/lookup", { config: { policy: { authentication: "none", audit: "identity", whileReadOnly: "refuse-writes" } }, schema: { body: z.object({ token: z.string().min(20).max(200) }), response: { 200: invitationView, ...errors } } }, async (request) => {
      const invitation = await services.identity.invitations.lookup(request.body.token);
      return { role: invitation.role, email: invitation.email, expiresAt: invitation.expiresAt.getTime(), ...(invitation.codeRequired ? { codeRequired: true } : {}) };
    });

    app.post("/api/invitations/accept", { config: { policy: { authentication: "none", audit: "identity", whileReadOnly: "refuse-writes" } }, schema: { body: acceptInvitationRequest, response: { 200: sessionView, ...errors } } }, async (request, reply) => {
      if (request.webSession) await sessions.end(request.webSession.id, "session.replaced");
      const { token } = await signIn.acceptInvitation(request.body, request.origin);
      setSessionCookie(reply, token);
      return viewOf(token, request.origin);
    });
  };

  async function viewOf(token: string, origin: { ip: string; userAgent: string }) {
    const { session } = await sessions.resolve(token, origin);
    return signIn.view(session);
  }
}
