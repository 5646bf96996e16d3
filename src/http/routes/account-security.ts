import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { apiError, factorsView, passkeyParams, passkeyRegistrationRequest, recoveryCodesIssued, totpEnrolmentStart, totpVerifyRequest } from "../../../shared/api/index.js";
import type { Principal } from "../../kernel/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";
import { stepUpGuardOf } from "../plugins/step-up.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError };

/**
 * The signed-in user's second factors (settings page): list, add a passkey or TOTP, remove one, new recovery
 * codes. Every change needs a recent second factor (step-up); a patient with no factor yet may add a first one.
 */
export function accountSecurityRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const requireRecentMfa = stepUpGuardOf(services);
  const { accountSecurity, signIn } = services.sessions;
  const { factors } = services.identity;

  /** Adding a factor: step-up when the account has one to step up with (patients opting in have none). */
  async function principalForAdding(request: FastifyRequest): Promise<Principal> {
    const principal = requirePrincipal(request);
    return (await factors.hasAny(principal.accountId)) ? requireRecentMfa(request) : principal;
  }

  /** A first factor comes with its recovery codes, shown once. */
  async function recoveryCodesIfFirst(principal: Principal, hadFactor: boolean) {
    return hadFactor ? {} : { recoveryCodes: await accountSecurity.regenerateRecoveryCodes(principal) };
  }

  return async (app) => {
    declareRoutePolicy(app, sessionApi("auth"));
    app.get("/api/account/factors", { schema: { response: { 200: factorsView, ...errors } } }, async (request) => factors.list(requirePrincipal(request).accountId));

    app.post("/api/account/recovery-codes", { config: { policy: { authentication: "step-up" } }, schema: { response: { 200: recoveryCodesIssued, ...errors } } }, async (request) => ({
      recoveryCodes: await accountSecurity.regenerateRecoveryCodes(requireRecentMfa(request)),
    }));

    app.post("/api/account/passkeys/options", { schema: { response: { 200: z.object({ options: z.record(z.string(), z.unknown()) }), ...errors } } }, async (request) => {
      await principalForAdding(request);
      return { options: { ...(await signIn.passkeyRegistrationOptions(request.webSession, "active")) } };
    });

    app.post(
      "/api/account/passkeys",
      { schema: { body: passkeyRegistrationRequest, response: { 200: z.object({ id: z.string(), recoveryCodes: z.array(z.string()).optional() }), ...errors } } },
      async (request) => {
        const principal = await principalForAdding(request);
        const hadFactor = await factors.hasAny(principal.accountId);
        const added = await accountSecurity.addPasskey(principal, request.body.name, request.body.response);
        return { ...added, ...(await recoveryCodesIfFirst(principal, hadFactor)) };
      },
    );

    app.delete("/api/account/passkeys/:id", { config: { policy: { authentication: "step-up" } }, schema: { params: passkeyParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await factors.removePasskey(requireRecentMfa(request), request.params.id);
      return reply.code(204).send(null);
    });

    app.post("/api/account/totp/enrolment", { schema: { response: { 200: totpEnrolmentStart, ...errors } } }, async (request) =>
      accountSecurity.startTotpEnrolment(await principalForAdding(request)),
    );

    app.post(
      "/api/account/totp/enrolment/confirm",
      { schema: { body: totpVerifyRequest, response: { 200: z.object({ recoveryCodes: z.array(z.string()).optional() }), ...errors } } },
      async (request) => {
        const principal = await principalForAdding(request);
        const hadFactor = await factors.hasAny(principal.accountId);
        await accountSecurity.confirmTotpEnrolment(principal, request.body.code);
        return recoveryCodesIfFirst(principal, hadFactor);
      },
    );

    app.delete("/api/account/totp", { config: { policy: { authentication: "step-up" } }, schema: { response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await factors.removeTotp(requireRecentMfa(request));
      return reply.code(204).send(null);
    });
  };
}
