import type { FastifyRequest } from "fastify";
import { AppError, type Clock, type Principal } from "../../kernel/index.js";
import { requirePrincipal } from "./authenticate.js";

/** Answers whether a privileged request may go ahead, and with which principal. */
export type RequireRecentMfa = (request: FastifyRequest) => Principal;

/**
 * The step-up guard for privileged actions: the session must be fully signed in and its second factor verified
 * within `maxAgeMs` (MAMORI_STEP_UP_SECONDS), at sign-in or by re-verifying (POST /api/auth/reverify). A stolen
 * but idle-refreshed session cookie alone then cannot invite accounts, shred records or export the audit trail.
 * Call it first in the handler, in place of `requirePrincipal`.
 */
export function createStepUpGuard(deps: { clock: Clock; maxAgeMs: number }): RequireRecentMfa {
  return (request) => {
    const principal = requirePrincipal(request);
    const mfaAt = request.webSession?.mfaAt;
    // @throws {AppError} `session.step_up_required` (401): the web UI re-verifies and retries.
    if (!mfaAt || deps.clock.now().getTime() - mfaAt.getTime() > deps.maxAgeMs) throw new AppError("session.step_up_required");
    return principal;
  };
}

/** The guard as configured for this app. */
export function stepUpGuardOf(services: { clock: Clock; config: { stepUpMs: number } }): RequireRecentMfa {
  return createStepUpGuard({ clock: services.clock, maxAgeMs: services.config.stepUpMs });
}
