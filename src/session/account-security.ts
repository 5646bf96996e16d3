import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import type { ReverifyRequest } from "../../shared/api/index.js";
import { actorOf, type Audit } from "../audit/index.js";
import type { Identity } from "../identity/index.js";
import { AppError, type ErrorCode, type Principal } from "../kernel/index.js";
import { maxMfaFailuresPerSession } from "./sign-in.js";
import type { WebSessions } from "./web-sessions.js";

const factorAction = { totp: "auth.totp", recovery_code: "auth.recovery_code", passkey: "auth.webauthn" } as const;
const factorError = { totp: "identity.invalid_totp", recovery_code: "identity.invalid_recovery_code", passkey: "identity.invalid_passkey" } as const;

/**
 * A signed-in user's own security: re-verifying a second factor for privileged actions (step-up), adding
 * factors, and a new set of recovery codes. The HTTP layer decides which actions need a recent re-verification.
 */
export function createAccountSecurity(deps: { identity: Identity; sessions: WebSessions; audit: Audit; clock: { now(): Date } }) {
  const { identity, sessions, audit } = deps;

  async function refuse(principal: Principal, action: string, errorCode: ErrorCode, reasonCode?: string): Promise<never> {
    const failures = await sessions.countMfaFailure(principal.sessionId);
    const exhausted = failures >= maxMfaFailuresPerSession;
    if (exhausted) await sessions.end(principal.sessionId, "session.too_many_mfa_failures");
    await audit.record({ action, outcome: "failure", reasonCode: exhausted ? "session.too_many_mfa_failures" : (reasonCode ?? errorCode), actor: actorOf(principal), network: principal.network });
    throw new AppError(exhausted ? "session.required" : errorCode);
  }

  async function checkFactor(principal: Principal, input: ReverifyRequest): Promise<boolean> {
    if (input.method === "totp") return identity.totp.verify(principal.accountId, input.code);
    if (input.method === "recovery_code") return identity.recoveryCodes.redeem(principal.accountId, input.code);
    const challenge = await sessions.takeChallenge(principal.sessionId, "authenticate");
    return challenge !== undefined && identity.webAuthn.authenticate(principal.accountId, input.response, challenge);
  }

  return {
    /**
     * Re-verifies a second factor in an active session and records the time (session_web.mfa_at), which the step-up
     * guard compares with MAMORI_STEP_UP_SECONDS. Failures count towards the session's limit of wrong codes.
     * @throws {AppError} `identity.invalid_totp`, `identity.invalid_recovery_code`, `identity.invalid_passkey`.
     */
    async reverify(principal: Principal, input: ReverifyRequest): Promise<Date> {
      const action = factorAction[input.method];
      if (!(await checkFactor(principal, input))) return refuse(principal, action, factorError[input.method]);
      await sessions.markMfa(principal.sessionId);
      await audit.record({ action, outcome: "success", reasonCode: "session.step_up", actor: actorOf(principal), network: principal.network });
      return deps.clock.now();
    },

    /** Adds a passkey from the settings page; the challenge came from the registration options of this session. */
    async addPasskey(principal: Principal, name: string, response: RegistrationResponseJSON): Promise<{ id: string }> {
      const challenge = await sessions.takeChallenge(principal.sessionId, "register");
      const passkey = challenge ? await identity.webAuthn.register(principal.accountId, name, response, challenge) : undefined;
      if (!passkey) return refuse(principal, "auth.webauthn_register", "identity.invalid_passkey");
      await audit.record({ action: "auth.webauthn_register", outcome: "success", actor: actorOf(principal), resource: { type: "Passkey", id: passkey.id }, network: principal.network });
      // A first factor (a patient opting in) comes with its recovery codes on the settings page; the session
      // counts as verified by the passkey just made.
      await sessions.markMfa(principal.sessionId);
      return { id: passkey.id };
    },

    /** Starts TOTP enrolment from the settings page; only while the account has no TOTP (remove it first). */
    async startTotpEnrolment(principal: Principal) {
      if (await identity.totp.isEnrolled(principal.accountId)) throw new AppError("identity.factor_exists");
      const account = await identity.accounts.get(principal.accountId);
      if (!account) throw new AppError("session.required");
      const enrolment = await identity.totp.startEnrolment(principal.accountId, account.email);
      await audit.record({ action: "auth.totp_enrolment_start", outcome: "success", actor: actorOf(principal), network: principal.network });
      return enrolment;
    },

    /** Confirms TOTP enrolment from the settings page. @throws {AppError} `identity.invalid_totp`. */
    async confirmTotpEnrolment(principal: Principal, code: string): Promise<void> {
      if (!(await identity.totp.confirmEnrolment(principal.accountId, code))) return refuse(principal, "auth.totp_enrolment", "identity.invalid_totp");
      await sessions.markMfa(principal.sessionId);
      await audit.record({ action: "auth.totp_enrolment", outcome: "success", actor: actorOf(principal), network: principal.network });
    },

    /** A new set of recovery codes, withdrawing the old set; needs a factor to recover. */
    async regenerateRecoveryCodes(principal: Principal): Promise<string[]> {
      if (!(await identity.factors.hasAny(principal.accountId))) throw new AppError("identity.factor_not_found");
      const codes = await identity.recoveryCodes.issue(principal.accountId);
      await audit.record({ action: "auth.recovery_codes_issue", outcome: "success", actor: actorOf(principal), network: principal.network });
      return codes;
    },
  };
}

export type AccountSecurity = ReturnType<typeof createAccountSecurity>;
