/**
 * Sign-in for an OAuth/OpenID Connect client: the provider sends the browser to `/?continue=/oidc/interaction/<uid>`;
 * once the session is fully signed in (password and second factor) the browser goes back there to finish it.
 * Only that one path shape is followed, so the parameter cannot send anyone elsewhere.
 */
const storageKey = "mamori.providerInteraction";
const interactionPath = /^\/oidc\/interaction\/[A-Za-z0-9_-]{10,64}$/;

/** Keeps the interaction to resume from the page address, and takes it out of the address bar. */
export function rememberProviderInteraction(): void {
  const params = new URLSearchParams(window.location.search);
  const target = params.get("continue");
  if (!target || !interactionPath.test(target)) return;
  window.sessionStorage.setItem(storageKey, target);
  window.history.replaceState(null, "", window.location.pathname);
}

/** Returns to the pending interaction, if any; true when the browser is leaving. */
export function resumeProviderInteraction(): boolean {
  const target = window.sessionStorage.getItem(storageKey);
  if (!target || !interactionPath.test(target)) return false;
  window.sessionStorage.removeItem(storageKey);
  window.location.assign(target);
  return true;
}
