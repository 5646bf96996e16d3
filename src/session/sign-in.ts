import type { SessionView } from "../../shared/api/session.js";
import type { Audit } from "../audit/index.js";
import type { Identity } from "../identity/index.js";
import { AppError, type RequestOrigin } from "../kernel/index.js";
import type { LiveSession, WebSessions } from "./web-sessions.js";

// Guessing a 6-digit code: 5 tries per sign-in, then the password must be given again (AUTH-4).
const maxMfaFailuresPerSession = 5;

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

  async function activate(session: LiveSession, origin: RequestOrigin, action: string): Promise<string> {
    const token = await sessions.advance(session.id, "active", { mfa: true, absoluteExpiresAt: session.absoluteExpiresAt });
    await identity.accounts.markSignedIn(session.accountId);
    await audit.record({ action, outcome: "success", actor: actor(session), network: origin });
    return token;
  }

  async function refuseCode(session: LiveSession, origin: RequestOrigin, action: string): Promise<never> {
    const failures = await sessions.countMfaFailure(session.id);
    const exhausted = failures >= maxMfaFailuresPerSession;
    if (exhausted) await sessions.end(session.id, "session.too_many_mfa_failures");
    await audit.record({
      action,
      outcome: "failure",
      reasonCode: exhausted ? "session.too_many_mfa_failures" : "identity.invalid_totp",
      actor: actor(session),
      network: origin,
    });
    throw new AppError(exhausted ? "session.required" : "identity.invalid_totp");
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
      const stage = (await identity.totp.isEnrolled(account.id)) ? "mfa_required" : firstStage(account.kind);
      const { token, sessionId } = await sessions.start(account.id, stage, origin);
      await audit.record({ action: "auth.password", outcome: "success", actor: { accountId: account.id, roles: account.roles, sessionId }, network: origin });
      if (stage === "active") await identity.accounts.markSignedIn(account.id);
      return { token };
    },
    /** Second-factor step. @throws {AppError} `identity.invalid_totp`, `session.wrong_stage`. */
    async withTotp(session: LiveSession | undefined, code: string, origin: RequestOrigin): Promise<{ token: string }> {
      const current = expectStage(session, "mfa_required");
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
    /** Confirms TOTP enrolment with a first code; the session becomes active. */
    async confirmTotpEnrolment(session: LiveSession | undefined, code: string, origin: RequestOrigin): Promise<{ token: string }> {
      const current = expectStage(session, "enrolment_required");
      if (!(await identity.totp.confirmEnrolment(current.accountId, code))) return refuseCode(current, origin, "auth.totp_enrolment");
      return { token: await activate(current, origin, "auth.totp_enrolment") };
    },
    /** Accepts an invitation and opens a session that must enrol a second factor next. */
    async acceptInvitation(input: { token: string; email: string; displayName: string; password: string }, origin: RequestOrigin): Promise<{ token: string }> {
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
      };
    },
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
