/**
 * Takes the one-time token from a /setup#token=… or /invite#token=… link and removes it from the address bar
 * at once, so it stays out of history, bookmarks and screenshots. The fragment never reaches the server;
 * the UI sends the token only in request bodies.
 */
export function takeOneTimeToken(): string | undefined {
  const { hash, pathname } = window.location;
  if (!hash) return undefined;
  const token = new URLSearchParams(hash.slice(1)).get("token") ?? undefined;
  window.history.replaceState(null, "", pathname);
  return token && token.length > 0 ? token : undefined;
}
