import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import * as oidcClient from "openid-client";
import { buildPatient, createHttpsFetch, createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";
import { authorize, postLogoutRedirectUri, registerClient, relyingParty, signInThroughProvider } from "./oidc-helpers.js";

const fhir = { contentType: "application/fhir+json" };

// The OpenID Connect provider (AUTH-7): code + PKCE, refresh rotation with reuse detection, revocation,
// introspection, RP-initiated logout, key rotation, and SMART scopes narrowing the user's own permissions.
describe("OpenID Connect provider", () => {
  let app: TestApp;
  let admin: SignedInUser;
  let doctor: SignedInUser;
  let rp: oidcClient.Configuration;
  let registered: { clientId: string; clientSecret?: string | undefined };

  before(async () => {
    app = await startTestApp();
    admin = await app.signedInUser("admin");
    doctor = await app.signedInUser("doctor");
    registered = await registerClient(admin);
    rp = await relyingParty(app, registered);
  });
  after(() => app.close());

  async function auditEntries(query: string): Promise<Array<{ action: string; outcome: string; reasonCode?: string; actor?: { accountId?: string; client?: string } }>> {
    const page = await admin.client.get(`/api/audit/entries?${query}`);
    assert.equal(page.status, 200, page.text);
    return page.json.entries;
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("publishes discovery with the public issuer, ES256 keys, S256 only, and SMART configuration", async () => {
    const metadata = rp.serverMetadata();
    assert.equal(metadata.issuer, `${app.baseUrl}/oidc`);
    assert.deepEqual(metadata.code_challenge_methods_supported, ["S256"]);
    assert.deepEqual(metadata.id_token_signing_alg_values_supported, ["ES256"]);
    const jwks = await app.client().get("/oidc/jwks");
    assert.equal(jwks.status, 200);
    assert.ok(jwks.json.keys.length >= 1);
    for (const key of jwks.json.keys) {
      assert.equal(key.kty, "EC");
      assert.equal(key.d, undefined, "no private part is published");
    }
    for (const path of ["/.well-known/smart-configuration", "/fhir/R4/.well-known/smart-configuration"]) {
      const smart = await app.client().get(path);
      assert.equal(smart.status, 200);
      assert.equal(smart.json.issuer, metadata.issuer);
      assert.ok(smart.json.capabilities.includes("permission-v2"));
    }
  });

  it("signs a doctor in with code + PKCE, answers userinfo, and lets user/*.cruds create and read a Patient", async () => {
    const tokens = await signInThroughProvider(doctor.client, rp, "openid fhirUser offline_access user/*.cruds");
    assert.ok(tokens.access_token && tokens.refresh_token && tokens.id_token);
    assert.equal(tokens.expires_in, 300);
    assert.equal(tokens.claims()?.sub, doctor.accountId);
    const userinfo = await oidcClient.fetchUserInfo(rp, tokens.access_token, doctor.accountId);
    assert.equal(userinfo.sub, doctor.accountId);

    const api = app.client();
    const created = await api.request("POST", "/fhir/R4/Patient", { body: buildPatient(), contentType: fhir.contentType, headers: bearer(tokens.access_token) });
    assert.equal(created.status, 201, created.text);
    const read = await api.get(`/fhir/R4/Patient/${created.json.id}`, bearer(tokens.access_token));
    assert.equal(read.status, 200);
    // A bearer request is charged to its account and to its OAuth client (NET-1 rate limits).
    assert.match(String(read.headers["ratelimit-policy"]), /"account";q=\d+;w=\d+/);
    assert.match(String(read.headers["ratelimit-policy"]), /"client";q=\d+;w=\d+/);
    const audited = await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: { action: string; patientId?: string; actor: { client?: string } } } }>().selectFrom("audit_entry").select("entry").orderBy("seq", "desc").limit(50).execute();
    const readEntry = audited.map((row) => (typeof row.entry === "string" ? JSON.parse(row.entry) : row.entry)).find((entry) => entry.action === "fhir.read" && entry.patientId === created.json.id);
    assert.equal(readEntry?.actor.client, registered.clientId, "the audit entry names the client acting for the user");
    assert.ok((await auditEntries(`accountId=${doctor.accountId}&action=oauth.token_issue`)).length >= 1);
    assert.ok((await auditEntries(`accountId=${doctor.accountId}&action=oauth.authorize`)).length >= 1);
  });

  it("lets the narrower of scope and Cedar win: user/Patient.r cannot create, and an administrator cannot read records", async () => {
    const patientId = await createPatient(doctor);
    const readOnly = await signInThroughProvider(doctor.client, rp, "openid user/Patient.r");
    const api = app.client();
    assert.equal((await api.get(`/fhir/R4/Patient/${patientId}`, bearer(readOnly.access_token))).status, 200);
    const refused = await api.request("POST", "/fhir/R4/Patient", { body: buildPatient(), contentType: fhir.contentType, headers: bearer(readOnly.access_token) });
    assert.equal(refused.status, 403);
    const adminTokens = await signInThroughProvider(admin.client, rp, "openid user/*.cruds");
    assert.equal((await api.get(`/fhir/R4/Patient/${patientId}`, bearer(adminTokens.access_token))).status, 404);
  });

  it("gives a patient the launch context of their own record; patient/*.rs reads it and refuses writes and other records", async () => {
    const patientId = await createPatient(doctor);
    const otherPatientId = await createPatient(doctor);
    const patient = await app.signedInPatient(doctor, patientId);
    const tokens = await signInThroughProvider(patient.client, rp, "openid launch/patient patient/*.rs");
    assert.equal(tokens["patient"], patientId);
    const api = app.client();
    assert.equal((await api.get(`/fhir/R4/Patient/${patientId}`, bearer(tokens.access_token))).status, 200);
    assert.equal((await api.get(`/fhir/R4/Patient/${otherPatientId}`, bearer(tokens.access_token))).status, 404);
    const write = await api.request("POST", "/fhir/R4/Patient", { body: buildPatient(), contentType: fhir.contentType, headers: bearer(tokens.access_token) });
    assert.equal(write.status, 403);
  });

  it("grants scopes within the client's registration (user/*.cruds covers user/Patient.rs) and not the others", async () => {
    const narrow = await registerClient(admin, { scopes: ["openid", "user/*.cruds"] });
    const narrowRp = await relyingParty(app, narrow);
    const tokens = await signInThroughProvider(doctor.client, narrowRp, "openid user/Patient.rs patient/*.rs");
    assert.deepEqual(String(tokens.scope).split(" ").sort(), ["openid", "user/Patient.rs"]);
  });

  it("sends a browser whose Mamori session has ended back to the sign-in, though the provider remembers it", async () => {
    const nurse = await app.signedInUser("doctor");
    await signInThroughProvider(nurse.client, rp, "openid");
    assert.equal((await nurse.client.post("/api/auth/logout")).status, 204);
    const url = oidcClient.buildAuthorizationUrl(rp, { redirect_uri: "https://app.example.test/callback", scope: "openid", state: "s", code_challenge: await oidcClient.calculatePKCECodeChallenge(oidcClient.randomPKCECodeVerifier()), code_challenge_method: "S256" });
    let location = url.href;
    for (let hop = 0; hop < 4 && !location.startsWith("/?"); hop += 1) location = String((await nurse.client.get(location)).headers.location);
    assert.match(location, /^\/\?continue=%2Foidc%2Finteraction%2F/);
  });

  it("refuses an authorization request without PKCE and one with the plain method", async () => {
    for (const extra of [{ code_challenge: "", code_challenge_method: "" }, { code_challenge: "a".repeat(43), code_challenge_method: "plain" }]) {
      const url = oidcClient.buildAuthorizationUrl(rp, { redirect_uri: "https://app.example.test/callback", scope: "openid", state: "s", ...extra });
      if (!extra.code_challenge) {
        url.searchParams.delete("code_challenge");
        url.searchParams.delete("code_challenge_method");
      }
      const response = await doctor.client.get(url.href);
      const location = new URL(String(response.headers.location), app.baseUrl);
      assert.equal(location.searchParams.get("error"), "invalid_request", `${extra.code_challenge_method || "no PKCE"} is refused`);
    }
  });

  it("rotates refresh tokens, and a reused one revokes the whole grant, is audited as oauth.refresh_reuse and ends the user's web sessions", async () => {
    // A user of its own: the intrusion-detection response to a reused refresh token ends this user's sessions.
    const reuser = await app.signedInUser("doctor");
    const patientId = await createPatient(reuser);
    const first = await signInThroughProvider(reuser.client, rp, "openid offline_access user/*.cruds");
    const second = await oidcClient.refreshTokenGrant(rp, first.refresh_token!);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal((await app.client().get("/fhir/R4/metadata")).status, 200);

    await assert.rejects(oidcClient.refreshTokenGrant(rp, first.refresh_token!), (error: { error?: string }) => error.error === "invalid_grant");
    await assert.rejects(oidcClient.refreshTokenGrant(rp, second.refresh_token!), (error: { error?: string }) => error.error === "invalid_grant");
    assert.equal((await app.client().get(`/fhir/R4/Patient/${patientId}`, bearer(second.access_token))).status, 401);
    await assert.rejects(oidcClient.fetchUserInfo(rp, second.access_token, reuser.accountId));

    const reuse = await auditEntries(`accountId=${reuser.accountId}&action=oauth.refresh_reuse`);
    assert.equal(reuse.length, 1);
    assert.equal(reuse[0]!.outcome, "denied");
    assert.ok((await auditEntries(`accountId=${reuser.accountId}&action=oauth.refresh`)).some((entry) => entry.outcome === "success"));

    // The refresh_token_reuse rule's default response (revoke_sessions) signs the user out of the web UI too.
    const deadline = Date.now() + 8_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await reuser.client.get(`/fhir/R4/Patient/${patientId}`)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 401, "the intrusion-detection response ended the web session");
  });

  it("introspects for the registered client and revokes tokens (RFC 7662, RFC 7009)", async () => {
    const tokens = await signInThroughProvider(doctor.client, rp, "openid offline_access user/*.cruds");
    const active = await oidcClient.tokenIntrospection(rp, tokens.access_token);
    assert.equal(active.active, true);
    assert.equal(active.sub, doctor.accountId);
    assert.ok(String(active.scope).includes("user/*.cruds"));

    await oidcClient.tokenRevocation(rp, tokens.refresh_token!);
    assert.equal((await oidcClient.tokenIntrospection(rp, tokens.refresh_token!)).active, false);
    assert.equal((await oidcClient.tokenIntrospection(rp, tokens.access_token)).active, false, "revoking the refresh token ends its grant");
    assert.ok((await auditEntries(`accountId=${doctor.accountId}&action=oauth.revoke`)).length >= 1);
  });

  it("ends the provider session and the Mamori web session through RP-initiated logout", async () => {
    const leaving = await app.signedInUser("doctor");
    const tokens = await signInThroughProvider(leaving.client, rp, "openid");
    const logoutUrl = oidcClient.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogoutRedirectUri, state: "bye" });
    const confirm = await leaving.client.get(logoutUrl.href);
    assert.equal(confirm.status, 200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.text)?.[1];
    assert.ok(xsrf);
    const done = await leaving.client.post("/oidc/session/end/confirm", `xsrf=${encodeURIComponent(xsrf)}&logout=yes`, { contentType: "application/x-www-form-urlencoded" });
    assert.equal(done.status, 303);
    assert.ok(String(done.headers.location).startsWith(postLogoutRedirectUri));
    assert.ok((await auditEntries(`accountId=${leaving.accountId}&action=oauth.logout`)).length >= 1);
    assert.equal((await leaving.client.get("/api/session")).json.stage, "anonymous", "signed out of Mamori as well");
  });

  it("keeps tokens signed with the previous key verifiable after key rotation, and signs new ones with the new key", async () => {
    const before = await signInThroughProvider(doctor.client, rp, "openid user/*.cruds");
    const oldKid = decodeProtectedHeader(before.id_token!).kid;
    const newKid = await app.mamori.oidc.rotateSigningKeys();
    assert.notEqual(newKid, oldKid);
    const fetchJwks = createHttpsFetch(app.mamori.tls.cert);
    const jwks = (await (await fetchJwks(`${app.baseUrl}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> };
    assert.deepEqual(jwks.keys.map((key) => key.kid).sort(), [oldKid, newKid].sort());
    const keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    await jwtVerify(before.id_token!, keySet, { issuer: `${app.baseUrl}/oidc`, audience: registered.clientId });
    const patientId = await createPatient(doctor);
    assert.equal((await app.client().get(`/fhir/R4/Patient/${patientId}`, bearer(before.access_token))).status, 200, "access tokens issued before rotation still work");
    const after = await signInThroughProvider(doctor.client, rp, "openid");
    assert.equal(decodeProtectedHeader(after.id_token!).kid, newKid);
    await jwtVerify(after.id_token!, keySet, { issuer: `${app.baseUrl}/oidc`, audience: registered.clientId });
  });

  it("stops a disabled account's tokens at once, and revokeAllGrantsOf removes an account's grants", async () => {
    const nurse = await app.signedInUser("doctor");
    const tokens = await signInThroughProvider(nurse.client, rp, "openid offline_access user/*.cruds");
    assert.equal((await oidcClient.tokenIntrospection(rp, tokens.access_token)).active, true);
    const removed = await app.mamori.oidc.revokeAllGrantsOf(nurse.accountId, "identity.account_disabled");
    assert.ok(removed >= 3, `grant, access and refresh token removed (${removed})`);
    assert.equal((await oidcClient.tokenIntrospection(rp, tokens.access_token)).active, false);
    await assert.rejects(oidcClient.refreshTokenGrant(rp, tokens.refresh_token!));

    const again = await signInThroughProvider(doctor.client, rp, "openid offline_access user/*.cruds");
    await app.mamori.db.kysely.withTables<{ identity_account: { id: string; status: string } }>().updateTable("identity_account").set({ status: "disabled" }).where("id", "=", doctor.accountId).execute();
    try {
      const patientId = await createPatient(admin).catch(() => "00000000-0000-4000-8000-000000000000");
      assert.equal((await app.client().get(`/fhir/R4/Patient/${patientId}`, bearer(again.access_token))).status, 401);
      await assert.rejects(oidcClient.refreshTokenGrant(rp, again.refresh_token!));
    } finally {
      await app.mamori.db.kysely.withTables<{ identity_account: { id: string; status: string } }>().updateTable("identity_account").set({ status: "active" }).where("id", "=", doctor.accountId).execute();
    }
  });

  it("asks a user's consent for a third-party client, listing the scopes", async () => {
    const thirdParty = await registerClient(admin, { name: "外部アプリ", isFirstParty: false, isConfidential: false, scopes: ["openid", "user/*.rs"] });
    const publicRp = await relyingParty(app, thirdParty);
    await assert.rejects(authorize(doctor.client, publicRp, "openid user/*.rs"), /consent page was shown/);
    const tokens = await signInThroughProvider(doctor.client, publicRp, "openid user/*.rs", { allowConsent: true });
    assert.ok(tokens.access_token);
  });

  it("lets only administrators register clients, refuses plain-http redirect URIs, lists and disables", async () => {
    const byDoctor = await doctor.client.post("/api/admin/oauth-clients", { name: "x", redirectUris: ["https://a.example.test/cb"], scopes: ["openid"], isConfidential: true });
    assert.equal(byDoctor.status, 403);
    const insecure = await admin.client.post("/api/admin/oauth-clients", { name: "x", redirectUris: ["http://a.example.test/cb"], scopes: ["openid"], isConfidential: true });
    assert.equal(insecure.status, 422);
    assert.equal(insecure.json.code, "oauth.invalid_redirect_uri");
    const loopback = await admin.client.post("/api/admin/oauth-clients", { name: "native", redirectUris: ["http://127.0.0.1:7777/cb"], scopes: ["openid"], isConfidential: false });
    assert.equal(loopback.status, 201);
    assert.equal(loopback.json.clientSecret, undefined);

    const doomed = await registerClient(admin);
    const doomedRp = await relyingParty(app, doomed);
    const tokens = await signInThroughProvider(doctor.client, doomedRp, "openid user/*.cruds");
    const listed = await admin.client.get("/api/admin/oauth-clients");
    assert.ok(listed.json.clients.some((client: { clientId: string }) => client.clientId === doomed.clientId));
    assert.ok(!listed.text.includes(doomed.clientSecret!), "the secret is shown once, at registration");
    assert.equal((await admin.client.post(`/api/admin/oauth-clients/${doomed.clientId}/disable`)).status, 204);
    const patientId = await createPatient(doctor);
    assert.equal((await app.client().get(`/fhir/R4/Patient/${patientId}`, bearer(tokens.access_token))).status, 401);
    const stored = await app.mamori.db.kysely.withTables<{ oidc_client: { client_id: string; secret: Uint8Array } }>().selectFrom("oidc_client").select("secret").where("client_id", "=", doomed.clientId).executeTakeFirstOrThrow();
    assert.ok(!Buffer.from(stored.secret).toString("latin1").includes(doomed.clientSecret!), "the stored secret is encrypted");
  });

  it("stores no token value in the database", async () => {
    const tokens = await signInThroughProvider(doctor.client, rp, "openid offline_access user/*.cruds");
    const rows = await app.mamori.db.kysely.withTables<{ oidc_artifact: { payload: unknown } }>().selectFrom("oidc_artifact").select("payload").execute();
    const dump = JSON.stringify(rows);
    assert.ok(!dump.includes(tokens.access_token));
    assert.ok(!dump.includes(tokens.refresh_token!));
  });
});

// SMART App Launch 2 app-launch.html#request-4: aud is the FHIR base URL; a token meant for another server is refused.
// The public URL is a host name here: request inspection refuses URLs naming an IP address in a parameter.
describe("OpenID Connect provider: the SMART aud parameter", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  let publicRp: oidcClient.Configuration;
  before(async () => {
    app = await startTestApp({ publicHostName: "localhost" });
    const admin = await app.signedInUser("admin");
    doctor = await app.signedInUser("doctor");
    publicRp = await relyingParty(app, await registerClient(admin, { name: "外部アプリ", isFirstParty: false, isConfidential: false, scopes: ["openid", "user/*.rs"] }));
  });
  after(() => app.close());

  it("refuses an authorization request whose aud names another server with invalid_request, before any consent", async () => {
    for (const aud of ["https://evil.example/fhir", "https://evil.example/fhir/R4", `${app.baseUrl}/fhir/R3`, `${app.baseUrl}/fhir/R4/Patient`, "not a url"]) {
      const url = oidcClient.buildAuthorizationUrl(publicRp, { redirect_uri: "https://app.example.test/callback", scope: "openid user/*.rs", state: "s", aud, code_challenge: await oidcClient.calculatePKCECodeChallenge(oidcClient.randomPKCECodeVerifier()), code_challenge_method: "S256" });
      const response = await doctor.client.get(url.href);
      assert.equal(response.status, 303, aud);
      const location = new URL(String(response.headers.location), app.baseUrl);
      assert.equal(location.origin + location.pathname, "https://app.example.test/callback", `${aud}: back to the client, no consent page`);
      assert.equal(location.searchParams.get("error"), "invalid_request", aud);
    }
  });

  it("accepts this server's FHIR base URL, with a trailing slash or another letter case of the host", async () => {
    for (const aud of [`${app.baseUrl}/fhir/R4`, `${app.baseUrl.replace("localhost", "LocalHost")}/fhir/R4/`]) {
      const tokens = await signInThroughProvider(doctor.client, publicRp, "openid user/*.rs", { allowConsent: true, extra: { aud } });
      assert.ok(tokens.access_token, aud);
    }
  });
});
