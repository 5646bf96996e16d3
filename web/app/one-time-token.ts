const storageKey = (pathname: string) => `mamori.one-time-token:${pathname}`;

/**
 * Takes the one-time token from a /setup#token=… or /invite#token=… link and removes it from the address bar
 * at once, so it stays out of history, bookmarks and screenshots. The fragment never reaches the server;
 * the UI sends the token only in request bodies.
 *
 * The token is also kept in this tab's sessionStorage until the account is created, so reloading the page (or
 * coming back after a mistyped password) does not turn a valid link into "invalid". sessionStorage belongs to the
 * one tab, is never sent anywhere and ends with the tab; the server still accepts the token once only.
 */
export function takeOneTimeToken(): string | undefined {
  const { hash, pathname } = window.location;
  const fromLink = hash ? (new URLSearchParams(hash.slice(1)).get("token") ?? undefined) : undefined;
  if (hash) window.history.replaceState(null, "", pathname);
  if (fromLink) {
    writeStored(pathname, fromLink);
    return fromLink;
  }
  return readStored(pathname);
}

/** Forgets the kept token once the account exists (or the link proved unusable). */
export function forgetOneTimeToken(): void {
  for (const pathname of ["/setup", "/invite"]) writeStored(pathname, undefined);
}

function readStored(pathname: string): string | undefined {
  try {
    return window.sessionStorage.getItem(storageKey(pathname)) ?? undefined;
  } catch {
    return undefined; // storage disabled: the token lives in memory only, as before
  }
}

function writeStored(pathname: string, token: string | undefined): void {
  try {
    if (token) window.sessionStorage.setItem(storageKey(pathname), token);
    else window.sessionStorage.removeItem(storageKey(pathname));
  } catch {
    // storage disabled: nothing kept, nothing to forget
  }
}
