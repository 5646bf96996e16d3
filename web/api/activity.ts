/**
 * Successful authenticated requests extend the server's idle timer; the session provider listens here to
 * refresh its copy of the idle deadline. A tiny subscription keeps the fetch wrapper free of React.
 */
type Listener = (event: RequestEvent) => void;
export type RequestEvent = { kind: "activity" } | { kind: "unauthenticated" };

const listeners = new Set<Listener>();

/** Subscribes to request events; returns the unsubscribe function. */
export function onRequestEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells subscribers what a request revealed about the session. */
export function emitRequestEvent(event: RequestEvent): void {
  for (const listener of listeners) listener(event);
}
