import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { SessionView } from "../../shared/api/session.js";
import type { Audit } from "../audit/index.js";
import type { Identity } from "../identity/index.js";
import { webAuthnTimeoutMs } from "../identity/index.js";
import { AppError, type ErrorCode, type RequestOrigin } from "../kernel/index.js";
import type { LiveSession, WebSessions } from "./web-sessions.js";

// Guessing a 6-digit code: 5 tries per sign-in, then the password must be given again (AUTH-4).
export const maxMfaFailuresPerSession = 5;

/**
 * The sign-in sequence: password → second factor (or its enrolment, which staff must complete before anything
 * else: AUTH-2) → active session. Each step audits its outcome, and each stage change issues a new token.
 */
export function createSignIn(deps: { identity: Identity; sessions: WebSessions; audit: Audit; patientMfaRequired: boolean; isAccountLocked: (accountId: string) => Promise<boolean> }) {
  const { identity, sessions, audit } = deps;

  /** Staff must enrol a second factor before anything else; patients only when the organisation requires it. */
  function firstStage(kind: "staff" | "patient"): "enrolment_required" | "active" {
    return kind === "patient" && !deps.patientMfaRequired ? "active" : "enrolment_required";
  }

  function expectStage(session: LiveSession | undefined, stage: LiveSession["stage"]): LiveSession {
    if (!session) throw new AppError("session.required");
    if (session.stage !== stage) throw new AppError("session.wrong_stage");
    return session;
  }

  function actor(session: LiveSession) {
    return { accountId: session.accountId, roles: session.roles, sessionId: session.id };
  }

  /** The account's e-mail, which keys its failure counter (AUTH-4). */
  async function emailOf(session: LiveSession): Promise<string> {
    const account = await identity.accounts.get(session.accountId);
    if (!account) throw new AppError("session.required");
    return account.email;
  }

  /** Second-factor attempts pass the same brute-force protection as passwords, per account and per IP. */
  async function assertMayTryCode(session: LiveSession, origin: RequestOrigin, action: string): Promise<void> {
    await identity.lockout.assertMayTry({ email: await emailOf(session), ip: origin.ip }, { action, accountId: session.accountId, sessionId: session.id, origin });
  }

  async function activate(session: LiveSession, origin: RequestOrigin, action: string, resource?: { type: string; id?: string }): Promise<string> {
    await identity.lockout.recordSuccess(await emailOf(session), origin.ip);
    const token = await sessions.advance(session.id, "active", { mfa: true, absoluteExpiresAt: session.absoluteExpiresAt });
    await identity.accounts.markSignedIn(session.accountId);
    await audit.record({ action, outcome: "success", actor: actor(session), network: origin, ...(resource ? { resource } : {}) });
    return token;
  }

  /** Completes enrolment of a first factor: a new set of recovery codes, shown once, and an active session. */
  async function completeEnrolment(session: LiveSession, origin: RequestOrigin, action: string, resource?: { type: string; id?: string }) {
    const recoveryCodes = await identity.recoveryCodes.issue(session.accountId);
    await audit.record({ action: "auth.recovery_codes_issue", outcome: "success", actor: actor(session), network: origin });
    return { token: await activate(session, origin, action, resource), recoveryCodes };
  }

  async function refuseCode(session: LiveSession, origin: RequestOrigin, action: string, errorCode: ErrorCode = "identity.invalid_totp"): Promise<never> {
    await identity.lockout.recordFailure({ email: await emailOf(session), ip: origin.ip, accountId: session.accountId }, origin);
    const failures = await sessions.countMfaFailure(session.id);
    const exhausted = failures >= maxMfaFailuresPerSession;
    if (exhausted) await sessions.end(session.id, "session.too_many_mfa_failures");
    await audit.record({
      action,
      outcome: "failure",
      reasonCode: exhausted ? "session.too_many_mfa_failures" : errorCode,
      actor: actor(session),
      network: origin,
    });
    throw new AppError(exhausted ? "session.required" : errorCode);
  }

  async function secondFactorsOf(accountId: string): Promise<Array<"totp" | "passkey">> {
    const factors = await identity.factors.list(accountId);
    return [...(factors.totp ? (["totp"] as const) : []), ...(factors.passkeys.length > 0 ? (["passkey"] as const) : [])];
  }

  return {
    /** Password step. @throws {AppError} `identity.invalid_credentials`, `defence.account_locked`. */
    async withPassword(email: string, password: string, origin: RequestOrigin): Promise<{ token: string }> {
      const account = await identity.accounts.checkPassword(email, password, origin);
      // Checked after the password, so a lock tells nothing to someone who does not know it.
      if (await deps.isAccountLocked(account.id)) {
        await audit.record({ action: "auth.password", outcome: "denied", reasonCode: "defence.account_locked", actor: { accountId: account.id, roles: account.roles }, network: origin });
        throw new AppError("defence.account_locked");
      }
      const stage = (await identity.factors.hasAny(account.id)) ? "mfa_required" : firstStage(account.kind);
      const { token, sessionId } = await sessions.start(account.id, stage, origin);
      await audit.record({ action: "auth.password", outcome: "success", actor: { accountId: account.id, roles: account.roles, sessionId }, network: origin });
      if (stage === "active") {
        await identity.lockout.recordSuccess(email, origin.ip);
        await identity.accounts.markSignedIn(account.id);
      }
      return { token };
    },
    /** Second-factor step. @throws {AppError} `identity.invalid_totp`, `session.wrong_stage`, `identity.sign_in_delayed` / `identity.sign_in_locked`. */
    async withTotp(session: LiveSession | undefined, code: string, origin: RequestOrigin): Promise<{ token: string }> {
      const current = expectStage(session, "mfa_required");
      await assertMayTryCode(current, origin, "auth.totp");
      if (!(await identity.totp.verify(current.accountId, code))) return refuseCode(current, origin, "auth.totp");
      return { token: await activate(current, origin, "auth.totp") };
    },
    /** Starts TOTP enrolment for a session that must enrol. */
    async startTotpEnrolment(session: LiveSession | undefined, origin: RequestOrigin) {
      const current = expectStage(session, "enrolment_required");
      const account = await identity.accounts.get(current.accountId);
      if (!account) throw new AppError("session.required");
      const enrolment = await identity.totp.startEnrolment(current.accountId, account.email);
      await audit.record({ action: "auth.totp_enrolment_start", outcome: "success", actor: actor(current), network: origin });
      return enrolment;
    },
    /** Confirms TOTP enrolment with a first code; the session becomes active and recovery codes are issued. */
    async confirmTotpEnrolment(session: LiveSession | undefined, code: string, origin: RequestOrigin): Promise<{ token: string; recoveryCodes: string[] }> {
      const current = expectStage(session, "enrolment_required");
      await assertMayTryCode(current, origin, "auth.totp_enrolment");
      if (!(await identity.totp.confirmEnrolment(current.accountId, code))) return refuseCode(current, origin, "auth.totp_enrolment");
      return completeEnrolment(current, origin, "auth.totp_enrolment");
    },
    /** Second-factor step with a recovery code instead of TOTP (AUTH-7); each code works once. */
    async withRecoveryCode(session: LiveSession | undefined, code: string, origin: RequestOrigin): Promise<{ token: string }> {
      const current = expectStage(session, "mfa_required");
      await assertMayTryCode(current, origin, "auth.recovery_code");
      if (!(await identity.recoveryCodes.redeem(current.accountId, code))) return refuseCode(current, origin, "auth.recovery_code", "identity.invalid_recovery_code");
      return { token: await activate(current, origin, "auth.recovery_code") };
    },
    /**
     * WebAuthn assertion options for the second-factor step or a re-verification; the challenge is kept with the
     * session and used once. @throws {AppError} `identity.factor_not_found` when the account has no passkey.
     */
    async passkeyOptions(session: LiveSession | undefined) {
      if (!session) throw new AppError("session.required");
      if (session.stage !== "mfa_required" && session.stage !== "active") throw new AppError("session.wrong_stage");
      const options = await identity.webAuthn.authenticationOptions(session.accountId);
      if (!options.allowCredentials?.length) throw new AppError("identity.factor_not_found");
      await sessions.putChallenge(session.id, "authenticate", options.challenge, webAuthnTimeoutMs);
      return options;
    },
    /** Second-factor step with a passkey. @throws {AppError} `identity.invalid_passkey`, `session.wrong_stage`. */
    async withPasskey(session: LiveSession | undefined, response: AuthenticationResponseJSON, origin: RequestOrigin): Promise<{ token: string }> {
      const current = expectStage(session, "mfa_required");
      await assertMayTryCode(current, origin, "auth.webauthn");
      const challenge = await sessions.takeChallenge(current.id, "authenticate");
      if (!challenge || !(await identity.webAuthn.authenticate(current.accountId, response, challenge))) {
        return refuseCode(current, origin, "auth.webauthn", "identity.invalid_passkey");
      }
      return { token: await activate(current, origin, "auth.webauthn", { type: "Passkey", id: response.id }) };
    },
    /**
     * WebAuthn creation options at enrolment (instead of TOTP), or in an active session for the settings page,
     * whose route applies the step-up guard first.
     */
    async passkeyRegistrationOptions(session: LiveSession | undefined, stage: "enrolment_required" | "active") {
      if (!session) throw new AppError("session.required");
      if (session.stage !== stage) throw new AppError("session.wrong_stage");
      const account = await identity.accounts.get(session.accountId);
      if (!account) throw new AppError("session.required");
      const options = await identity.webAuthn.registrationOptions(account);
      await sessions.putChallenge(session.id, "register", options.challenge, webAuthnTimeoutMs);
      return options;
    },
    /** Enrols a passkey as the first factor; the session becomes active and recovery codes are issued. */
    async completePasskeyEnrolment(session: LiveSession | undefined, name: string, response: RegistrationResponseJSON, origin: RequestOrigin) {
      const current = expectStage(session, "enrolment_required");
      await assertMayTryCode(current, origin, "auth.webauthn_register");
      const challenge = await sessions.takeChallenge(current.id, "register");
      const passkey = challenge ? await identity.webAuthn.register(current.accountId, name, response, challenge) : undefined;
      if (!passkey) return refuseCode(current, origin, "auth.webauthn_register", "identity.invalid_passkey");
      return completeEnrolment(current, origin, "auth.webauthn_register", { type: "Passkey", id: passkey.id });
    },
    /** Accepts an invitation and opens a session that must enrol a second factor next. */
    async acceptInvitation(input: { token: string; email: string; displayName: string; password: string; code?: string | undefined }, origin: RequestOrigin): Promise<{ token: string }> {
      const { accountId, kind } = await identity.invitations.accept(input, origin);
      return { token: (await sessions.start(accountId, firstStage(kind), origin)).token };
    },
    /** Ends the session server-side; the cookie alone is worthless afterwards. */
    async signOut(session: LiveSession | undefined, origin: RequestOrigin): Promise<void> {
      if (!session) return;
      await sessions.end(session.id, "session.sign_out");
      await audit.record({ action: "auth.sign_out", outcome: "success", actor: actor(session), network: origin });
    },
    /** The session as the web UI sees it. */
    async view(session: LiveSession | undefined): Promise<SessionView> {
      if (!session) return { stage: "anonymous" };
      const account = await identity.accounts.get(session.accountId);
      if (!account) return { stage: "anonymous" };
      return {
        stage: session.stage,
        account: { id: account.id, displayName: account.displayName, roles: account.roles, ...(account.patientId ? { patientId: account.patientId } : {}) },
        idleExpiresAt: session.idleExpiresAt.getTime(),
        absoluteExpiresAt: session.absoluteExpiresAt.getTime(),
        ...(session.stage === "mfa_required" ? { secondFactors: await secondFactorsOf(session.accountId) } : {}),
      };
    },
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
