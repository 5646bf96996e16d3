import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { SessionView } from "../../shared/api/index.js";
import { onRequestEvent } from "../api/activity.js";
import { fetchSession, keepSessionAlive, logout } from "../api/auth-api.js";
import { rememberProviderInteraction, resumeProviderInteraction } from "./provider-interaction.js";
import { navigate } from "./router.js";

export type SessionNotice = "expired" | undefined;

export interface SessionState {
  /** Undefined until the first GET /api/session answers. */
  view: SessionView | undefined;
  /** Why the user was sent back to the login page, if not by choice. */
  notice: SessionNotice;
  /** Milliseconds left before the idle limit while the warning is due (≤ 60 s), else undefined. */
  idleWarningMs: number | undefined;
  /** Adopts a SessionView answered by a sign-in step. */
  update(view: SessionView): void;
  /** Answers the idle warning: GET /api/session refreshes the server's idle timer. */
  stayActive(): Promise<void>;
  /** Logs out on request. */
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);
const anonymous: SessionView = { stage: "anonymous" };
const warningLeadMs = 60_000;

/** Holds the session view, follows its idle and absolute limits, and clears everything when they pass. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [view, setView] = useState<SessionView | undefined>(undefined);
  const [notice, setNotice] = useState<SessionNotice>(undefined);
  const [idleWarningMs, setIdleWarningMs] = useState<number | undefined>(undefined);
  const viewRef = useRef(view);
  viewRef.current = view;
  // Counts the times a session ended here: an answer to a session read sent before the end is stale and must not
  // bring the signed-in screens back.
  const endings = useRef(0);

  const update = useCallback((next: SessionView) => {
    if (next.stage === "active" && resumeProviderInteraction()) return;
    if (next.stage === "active" && hasPassed(next)) return;
    setView(next);
    if (next.stage !== "anonymous") setNotice(undefined);
  }, []);

  const expire = useCallback(() => {
    endings.current += 1;
    // Unmounting the signed-in screens drops every piece of patient data they held.
    setView(anonymous);
    setIdleWarningMs(undefined);
    setNotice("expired");
    navigate("/login", { replace: true });
    logout().catch(() => undefined);
  }, []);

  useEffect(() => {
    rememberProviderInteraction();
    fetchSession().then(update, () => setView(anonymous));
  }, [update]);

  useIdleClock(view, setIdleWarningMs, expire);
  useRequestEvents(viewRef, endings, update, expire);

  const stayActive = useCallback(async () => {
    const ending = endings.current;
    try {
      const next = await keepSessionAlive();
      if (ending === endings.current) update(next);
    } catch {
      if (ending === endings.current) expire();
    }
  }, [update, expire]);

  useUserInputKeepsActive(view, endings, update);

  const signOut = useCallback(async () => {
    endings.current += 1;
    await logout().catch(() => undefined);
    setView(anonymous);
    setIdleWarningMs(undefined);
    setNotice(undefined);
    navigate("/login", { replace: true });
  }, []);

  const state = useMemo(
    () => ({ view, notice, idleWarningMs, update, stayActive, signOut }),
    [view, notice, idleWarningMs, update, stayActive, signOut],
  );
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

const inputKeepAliveEveryMs = 60_000;
const inputEvents = ["keydown", "pointerdown", "wheel"] as const;

/**
 * Typing a long note or scrolling a chart sends no request, yet a person is at the terminal: the idle limit
 * (クリアスクリーン) is for terminals left alone, so input counts as activity. At most one session read a minute
 * tells the server, which extends its idle timer; the limit itself stays the server's.
 */
function useUserInputKeepsActive(view: SessionView | undefined, endings: { current: number }, update: (view: SessionView) => void) {
  const lastSent = useRef(0);
  useEffect(() => {
    if (view?.stage !== "active") return;
    const refresh = async (ending: number) => {
      const next = await keepSessionAlive().catch(() => undefined);
      if (next?.stage === "active" && ending === endings.current) update(next);
    };
    const onInput = () => {
      const now = Date.now();
      if (now - lastSent.current < inputKeepAliveEveryMs) return;
      lastSent.current = now;
      const ending = endings.current;
      // A failed read changes nothing: the idle clock still ends the session at the deadline it knows.
      void refresh(ending);
    };
    for (const name of inputEvents) window.addEventListener(name, onInput, { capture: true, passive: true });
    return () => {
      for (const name of inputEvents) window.removeEventListener(name, onInput, { capture: true });
    };
  }, [view?.stage, endings, update]);
}

/** Checks the limits every second; timers survive sleep badly, a clock comparison does not. */
function useIdleClock(view: SessionView | undefined, setWarning: (ms: number | undefined) => void, expire: () => void) {
  useEffect(() => {
    if (view?.stage !== "active") return;
    const deadline = Math.min(view.idleExpiresAt ?? Infinity, view.absoluteExpiresAt ?? Infinity);
    const idleDeadline = view.idleExpiresAt ?? Infinity;
    const tick = () => {
      const now = Date.now();
      if (now >= deadline) return expire();
      setWarning(idleDeadline - now <= warningLeadMs ? idleDeadline - now : undefined);
    };
    tick();
    const timer = window.setInterval(tick, 1000);
    return () => window.clearInterval(timer);
  }, [view, setWarning, expire]);
}

/**
 * Keeps the idle deadline true to the server: after user activity it re-reads the session (the activity has
 * already refreshed the server's timer), and a 401 while signed in means the server ended the session.
 */
function useRequestEvents(
  viewRef: { current: SessionView | undefined },
  endings: { current: number },
  update: (view: SessionView) => void,
  expire: () => void,
) {
  const pending = useRef(false);
  useEffect(
    () =>
      onRequestEvent((event) => {
        if (viewRef.current?.stage !== "active" || pending.current) return;
        pending.current = true;
        const ending = endings.current;
        const isCurrent = () => ending === endings.current;
        fetchSession()
          // oxlint-disable-next-line promise/no-callback-in-promise -- update/expire are state setters, not Node-style callbacks.
          .then((next) => (!isCurrent() ? undefined : next.stage === "active" ? update(next) : expire()))
          .catch(() => (isCurrent() && event.kind === "unauthenticated" ? expire() : undefined))
          .finally(() => {
            pending.current = false;
          });
      }),
    [viewRef, endings, update, expire],
  );
}

/** Whether an active view's idle or absolute limit is already behind this browser's clock (a late answer). */
function hasPassed(view: SessionView): boolean {
  if (view.stage !== "active") return false;
  return Date.now() >= Math.min(view.idleExpiresAt ?? Infinity, view.absoluteExpiresAt ?? Infinity);
}

/** The session state; only inside SessionProvider. */
export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSession outside SessionProvider");
  return state;
}
