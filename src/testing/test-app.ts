import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generate } from "otplib";
import pino, { type Logger } from "pino";
import type { StaffRole } from "../../shared/api/session.js";
import { loadConfig, type Config } from "../config/index.js";
import type { Clock } from "../kernel/index.js";
import { createMamori, type Mamori, type MamoriOptions } from "../main.js";
import { startService } from "../ops/start-service.js";
import { buildPatient } from "./builders.js";
import { freePort } from "./free-port.js";
import { migratedPgliteTemplate } from "./pglite-template.js";
import { createTestClient, type TestClient, type TestResponse } from "./http-client.js";
import { invitationLinkIn, readPickedUpMail, type PickedUpMail } from "./mail-outbox.js";
import { createScratchPostgres } from "./test-database.js";

export interface TestApp {
  baseUrl: string;
  mamori: Mamori;
  config: Readonly<Config>;
  /** A one-time link to create the first administrator (https://…/setup#token=…). */
  createSetupLink(): Promise<string>;
  /** A fresh HTTPS client with its own cookie jar. */
  client(): TestClient;
  /** A signed-in user of a role, created through the real invitation and TOTP flow. */
  signedInUser(role: StaffRole): Promise<SignedInUser>;
  /**
   * The patient of a record, invited by a clinician in their care and signed in to the portal (no second factor unless
   * required). A record without an e-mail address gets one first, written by the clinician; `email` names the one
   * the record already holds, sparing that read (tests of the access history count every read).
   */
  signedInPatient(doctor: SignedInUser, patientId: string, options?: { email?: string }): Promise<{ client: TestClient; accountId: string; email: string; password: string }>;
  /**
   * Invites the patient of a record over HTTP as the clinician; when it succeeds, the message picked up from the
   * mail pickup folder and the link's token ride along with the answer.
   */
  invitePatient(clinician: SignedInUser, patientId: string): Promise<{ response: TestResponse; mail?: PickedUpMail; token?: string }>;
  /** Messages in the mail pickup folder. */
  pickedUpMail(): Promise<PickedUpMail[]>;
  close(): Promise<void>;
}

export interface SignedInUser {
  client: TestClient;
  accountId: string;
  email: string;
  password: string;
  totpSecret: string;
  /** A TOTP code for the app clock's current time step. */
  totpCode(): Promise<string>;
}

let userCounter = 0;

/**
 * Starts a complete Mamori over HTTPS on a loopback port with its own data folder and database: in-memory
 * PGlite (started from the migrated template), or a scratch PostgreSQL database when DATABASE_URL is set. Passwords use the OWASP minimum argon2id
 * parameters to keep tests fast.
 */
export async function startTestApp(
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    /** Keep data here, on disk (crash tests). */ dataDir?: string;
    /** Host name of the public URL; `localhost` for browser passkey tests (WebAuthn refuses an IP address as RP ID). */
    publicHostName?: string;
    /** Rewrites the scratch PostgreSQL database's URL, to route its connections through a TCP proxy a test controls. */
    databaseVia?: (url: string) => string;
    /**
     * Starts as `mamori start` does, holding the port while the database cannot be reached and trying again until it
     * can; called once the holding server listens. The returned promise resolves when the service has started.
     */
    whileDatabaseDown?: (holding: { baseUrl: string; cert: string }) => void;
    /** The service's logger (silent unless given). */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "mamori-test-")));
  const postgres = await createScratchPostgres(process.env);
  const port = await freePort();
  const baseUrl = `https://${options.publicHostName ?? "127.0.0.1"}:${port}`;
  const config = loadConfig({
    MAMORI_DATA_DIR: dataDir,
    MAMORI_HOST: "127.0.0.1",
    MAMORI_PORT: String(port),
    MAMORI_PUBLIC_URL: baseUrl,
    MAMORI_ARGON2_MEMORY_KIB: "19456",
    MAMORI_ARGON2_ITERATIONS: "2",
    MAMORI_LOG_LEVEL: "silent",
    ...(postgres ? { DATABASE_URL: options.databaseVia ? options.databaseVia(postgres.url) : postgres.url } : {}),
    ...options.env,
  });
  const memoryDatabase = !postgres && !options.dataDir;
  const mamoriOptions: MamoriOptions = {
    memoryDatabase,
    ...(memoryDatabase ? { memoryDatabaseStart: await migratedPgliteTemplate() } : {}),
    logger: options.logger ?? pino({ level: "silent" }),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  let mamori: Mamori;
  if (options.whileDatabaseDown) {
    const holding = options.whileDatabaseDown;
    mamori = await startService(config, { logger: mamoriOptions.logger!, mamori: mamoriOptions, retry: { firstDelayMs: 200, maxDelayMs: 1_000 }, onHolding: (tls) => holding({ baseUrl, cert: tls.cert }) });
  } else {
    mamori = await createMamori(config, mamoriOptions);
    await mamori.app.listen({ host: "127.0.0.1", port });
  }
  const client = () => createTestClient(baseUrl, mamori.tls.cert);
  const epochOf = () => Math.floor((options.clock?.now() ?? new Date()).getTime() / 1000);

  async function createSetupLink(): Promise<string> {
    const link = await mamori.issueSetupLink();
    if (!link) throw new Error("an administrator already exists");
    return link.url.replace(config.publicUrl.origin, baseUrl);
  }

  async function enrol(user: Omit<SignedInUser, "totpSecret" | "totpCode">, token: string): Promise<SignedInUser> {
    const accepted = await user.client.post("/api/invitations/accept", { token, email: user.email, displayName: `試験 ${user.email}`, password: user.password });
    if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${accepted.text}`);
    const started = await user.client.post("/api/auth/totp/enrolment");
    const totpSecret = started.json.secret as string;
    const totpCode = () => generate({ secret: totpSecret, epoch: epochOf() });
    const confirmed = await user.client.post("/api/auth/totp/enrolment/confirm", { code: await totpCode() });
    if (confirmed.json?.stage !== "active") throw new Error(`enrolment failed: ${confirmed.status} ${confirmed.text}`);
    return { ...user, accountId: confirmed.json.account.id, totpSecret, totpCode };
  }

  let firstAdmin: SignedInUser | undefined;
  async function signedInUser(role: StaffRole): Promise<SignedInUser> {
    userCounter += 1;
    const base = { client: client(), accountId: "", email: `${role}${userCounter}@example.test`, password: `correct horse battery ${userCounter}` };
    if (!firstAdmin) {
      firstAdmin = await enrol({ ...base, email: `admin${userCounter}@example.test` }, new URL(await createSetupLink()).hash.replace("#token=", ""));
      if (role === "admin") return firstAdmin;
      userCounter += 1;
      base.email = `${role}${userCounter}@example.test`;
    }
    // Invited by the first administrator through the identity module (real policy and audit), so tests that move
    // the clock past that administrator's session can still create users.
    const issued = await mamori.identity.invitations.invite(
      { accountId: firstAdmin.accountId, roles: ["admin"], sessionId: "test-harness", network: { ip: "127.0.0.1", userAgent: "test-harness" } },
      { email: base.email, role },
    );
    return enrol(base, issued.token);
  }

  const pickedUpMail = () => readPickedUpMail(config.mail.pickupDir);

  async function invitePatient(clinician: SignedInUser, patientId: string) {
    const before = new Set((await pickedUpMail()).map((mail) => mail.file));
    const response = await clinician.client.post("/api/patient-invitations", { patientId });
    if (response.status !== 201) return { response };
    const mail = (await pickedUpMail()).find((candidate) => !before.has(candidate.file));
    if (!mail) throw new Error("no invitation message in the pickup folder");
    return { response, mail, token: invitationLinkIn(mail).hash.replace("#token=", "") };
  }

  let reception: Promise<SignedInUser> | undefined;
  /**
   * The e-mail address on the record, recorded first by reception (a clerk) when there is none: a clinician who put
   * the address on the record himself may not be the one who invites to it.
   */
  async function emailOnRecord(clinician: SignedInUser, patientId: string): Promise<string> {
    const seen = await clinician.client.get(`/fhir/R4/Patient/${patientId}`);
    if (seen.status !== 200) throw new Error(`patient read failed: ${seen.status} ${seen.text}`);
    const onRecord = ((seen.json.telecom ?? []) as Array<{ system?: string; value?: string }>).find((point) => point.system === "email")?.value;
    if (onRecord) return onRecord;
    reception ??= signedInUser("clerk");
    const read = await (await reception).client.get(`/fhir/R4/Patient/${patientId}`);
    if (read.status !== 200) throw new Error(`patient read by reception failed: ${read.status} ${read.text}`);
    const telecom = (read.json.telecom ?? []) as Array<{ system?: string; value?: string }>;
    userCounter += 1;
    const email = `patient${userCounter}@example.test`;
    const updated = await (await reception).client.request("PUT", `/fhir/R4/Patient/${patientId}`, {
      body: { ...read.json, telecom: [...telecom, { system: "email", value: email }] },
      contentType: "application/fhir+json",
    });
    if (updated.status !== 200) throw new Error(`patient e-mail update failed: ${updated.status} ${updated.text}`);
    return email;
  }

  async function signedInPatient(doctor: SignedInUser, patientId: string, options: { email?: string } = {}) {
    const email = options.email ?? (await emailOnRecord(doctor, patientId));
    userCounter += 1;
    const password = `patient passphrase ${userCounter}`;
    const { response, token } = await invitePatient(doctor, patientId);
    if (response.status !== 201 || !token) throw new Error(`patient invite failed: ${response.status} ${response.text}`);
    const patientClient = client();
    const accepted = await patientClient.post("/api/invitations/accept", { token, code: response.json.code, email, displayName: "試験 花子", password });
    if (accepted.json?.stage !== "active") throw new Error(`patient accept failed: ${accepted.status} ${accepted.text}`);
    return { client: patientClient, accountId: accepted.json.account.id as string, email, password };
  }

  return {
    baseUrl,
    mamori,
    config,
    createSetupLink,
    client,
    signedInUser,
    signedInPatient,
    invitePatient,
    pickedUpMail,
    async close() {
      await mamori.close();
      await postgres?.drop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export { buildPatient };
