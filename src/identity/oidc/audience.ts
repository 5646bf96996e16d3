/**
 * Whether an authorization request's `aud` names this FHIR server. SMART App Launch 2 (app-launch.html#request-4)
 * has the app send the FHIR base URL it means to call, so that a token is never handed over for, or on behalf of,
 * another server: a mismatch is refused before any sign-in or consent. The comparison is on the normalised URL
 * (scheme and host case, default port, one trailing slash), not the raw text.
 */
export function namesFhirBase(aud: string, fhirBaseUrl: string): boolean {
  const normalised = (text: string): string | undefined => {
    if (!URL.canParse(text)) return undefined;
    const url = new URL(text);
    if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") return undefined;
    return `${url.origin}${url.pathname.replace(/\/$/, "")}`;
  };
  const expected = normalised(fhirBaseUrl);
  return expected !== undefined && normalised(aud) === expected;
}
