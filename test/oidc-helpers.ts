import assert from "node:assert/strict";
import * as oidcClient from "openid-client";
import { createHttpsFetch, type TestApp, type TestClient } from "../src/testing/index.js";

export const redirectUri = "https://app.example.test/callback";
export const postLogoutRedirectUri = "https://app.example.test/signed-out";

/** Registers a client through the administrator API and returns its id and (confidential) secret. */
export async function registerClient(admin: { client: TestClient }, overrides: Partial<{ name: string; scopes: string[]; isConfidential: boolean; isFirstParty: boolean; redirectUris: string[] }> = {}) {
  const response = await admin.client.post("/api/admin/oauth-clients", {
    name: overrides.name ?? "試験アプリ",
    redirectUris: overrides.redirectUris ?? [redirectUri],
    postLogoutRedirectUris: [postLogoutRedirectUri],
    scopes: overrides.scopes ?? ["openid", "offline_access", "fhirUser", "launch/patient", "patient/*.rs", "user/*.cruds", "user/Patient.r"],
    isConfidential: overrides.isConfidential ?? true,
    isFirstParty: overrides.isFirstParty ?? true,
  });
  assert.equal(response.status, 201, response.text);
  return { clientId: response.json.client.clientId as string, clientSecret: response.json.clientSecret as string | undefined };
}

/** openid-client v6 as a strict relying party of the test app's provider (certificate checked against the app's). */
export async function relyingParty(app: TestApp, registered: { clientId: string; clientSecret?: string | undefined }): Promise<oidcClient.Configuration> {
  const fetch = createHttpsFetch(app.mamori.tls.cert) as unknown as oidcClient.CustomFetch;
  const auth = registered.clientSecret ? oidcClient.ClientSecretBasic(registered.clientSecret) : oidcClient.None();
  const config = await oidcClient.discovery(new URL(`${app.baseUrl}/oidc`), registered.clientId, registered.clientSecret, auth, { [oidcClient.customFetch]: fetch });
  config[oidcClient.customFetch] = fetch;
  return config;
}

/**
 * Runs the authorization request with a signed-in browser's cookie jar, following redirects (and allowing consent
 * when asked) until the provider sends the browser back to the client with a code.
 */
export async function authorize(browser: TestClient, rp: oidcClient.Configuration, scope: string, options: { allowConsent?: boolean; extra?: Record<string, string> } = {}) {
  const verifier = oidcClient.randomPKCECodeVerifier();
  const state = oidcClient.randomState();
  const url = oidcClient.buildAuthorizationUrl(rp, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await oidcClient.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    // OpenID Connect Core §11: offline_access is granted only with prompt=consent.
    ...(scope.split(" ").includes("offline_access") ? { prompt: "consent" } : {}),
    ...options.extra,
  });
  let location = url.href;
  for (let hop = 0; hop < 12; hop += 1) {
    const response = await browser.get(location);
    if (response.status === 200 && response.text.includes("/allow\"")) {
      assert.ok(options.allowConsent, "a consent page was shown");
      const action = /action="([^"]+\/allow)"/.exec(response.text)![1]!;
      const allowed = await browser.post(action, "", { contentType: "application/x-www-form-urlencoded" });
      location = allowed.headers.location as string;
      continue;
    }
    assert.ok([302, 303].includes(response.status), `hop ${hop}: ${response.status} ${response.text.slice(0, 300)}`);
    location = response.headers.location as string;
    if (location.startsWith(redirectUri)) return { callback: new URL(location), verifier, state };
  }
  throw new Error("the authorization did not come back to the client");
}

/** Authorization and code exchange in one. */
export async function signInThroughProvider(browser: TestClient, rp: oidcClient.Configuration, scope: string, options: { allowConsent?: boolean; extra?: Record<string, string> } = {}) {
  const { callback, verifier, state } = await authorize(browser, rp, scope, options);
  return oidcClient.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state });
}
