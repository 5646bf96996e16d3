import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Client } from "fhir-kit-client";
import sharp from "sharp";
import { buildPatient, createHttpsFetch, startTestApp, type TestApp } from "../src/testing/index.js";
import { registerClient, relyingParty, signInThroughProvider } from "./oidc-helpers.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "fhir-r4");
/** Binary examples sit apart: they are served by the uploads module, not validated and stored as records. */
const binaryFixtures = path.join(fixtures, "binary");
/** Created first, so the others can point at them. */
const order = ["Organization", "Practitioner", "PractitionerRole", "Patient"];

type Json = Record<string, unknown>;

/** Points every reference to a type we created at the created resource, so compartments and targets resolve. */
function remapReferences<T>(value: T, created: Map<string, string>): T {
  if (Array.isArray(value)) return value.map((item: unknown) => remapReferences(item, created)) as T;
  if (typeof value !== "object" || value === null) return value;
  const result: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "reference" && typeof item === "string") {
      const type = /^([A-Z][A-Za-z]+)\//.exec(item)?.[1];
      result[key] = type && created.has(type) ? `${type}/${created.get(type)}` : item;
    } else {
      result[key] = remapReferences(item, created);
    }
  }
  return result as T;
}

function withoutServerElements(resource: Json): Json {
  const { id: _id, meta, ...rest } = resource;
  const clientMeta = { ...(meta as Json | undefined) };
  delete clientMeta["versionId"];
  delete clientMeta["lastUpdated"];
  if (Array.isArray(clientMeta["extension"])) clientMeta["extension"] = (clientMeta["extension"] as Array<{ url: string }>).filter((extension) => !extension.url.endsWith("recorded-by"));
  if (Array.isArray(clientMeta["extension"]) && (clientMeta["extension"] as unknown[]).length === 0) delete clientMeta["extension"];
  return Object.keys(clientMeta).length > 0 ? { ...rest, meta: clientMeta } : rest;
}

// Acceptance: a common FHIR client library, used unchanged over OAuth 2.0, creates and reads back the official R4
// examples of every implemented type (a sample kept under test/fixtures/fhir-r4).
describe("fhir-kit-client against the official R4 examples", () => {
  let app: TestApp;
  let client: InstanceType<typeof Client>;
  /** Directory entries (organisations, practitioners) are the administrator's to write, records the doctor's. */
  let directoryClient: InstanceType<typeof Client>;
  const directoryTypes = new Set(["Organization", "Practitioner", "PractitionerRole"]);
  const realFetch = globalThis.fetch;
  let doctorToken: string;
  let patientOnlyToken: string;
  before(async () => {
    app = await startTestApp();
    const admin = await app.signedInUser("admin");
    const doctor = await app.signedInUser("doctor");
    const relying = await relyingParty(app, await registerClient(admin));
    const tokens = await signInThroughProvider(doctor.client, relying, "openid user/*.cruds");
    const adminTokens = await signInThroughProvider(admin.client, relying, "openid user/*.cruds");
    doctorToken = tokens.access_token;
    patientOnlyToken = (await signInThroughProvider(doctor.client, relying, "openid user/Patient.r")).access_token;
    // The client calls the global fetch; route it through an agent that trusts only this app's certificate.
    const httpsFetch = createHttpsFetch(app.mamori.tls.cert);
    globalThis.fetch = (async (input: Request | string | URL, init?: RequestInit) => {
      if (!(input instanceof Request)) return httpsFetch(input, init as never);
      const body = input.method === "GET" || input.method === "HEAD" ? undefined : await input.text();
      return httpsFetch(input.url, { method: input.method, headers: input.headers, body: body ?? null });
    }) as typeof fetch;
    client = new Client({ baseUrl: `${app.baseUrl}/fhir/R4`, bearerToken: tokens.access_token });
    directoryClient = new Client({ baseUrl: `${app.baseUrl}/fhir/R4`, bearerToken: adminTokens.access_token });
  });
  after(async () => {
    globalThis.fetch = realFetch;
    await app.close();
  });

  it("creates each example and reads back what was sent", async () => {
    const files = (await readdir(fixtures)).filter((name) => name.endsWith(".json")).sort();
    const examples = await Promise.all(files.map(async (name) => ({ name, resource: JSON.parse(await readFile(path.join(fixtures, name), "utf8")) as Json })));
    examples.sort((a, b) => {
      const rank = (resource: Json) => (order.includes(String(resource["resourceType"])) ? order.indexOf(String(resource["resourceType"])) : order.length);
      return rank(a.resource) - rank(b.resource);
    });
    const created = new Map<string, string>();
    const types = new Set<string>();
    const refusedContained: string[] = [];
    for (const { name, resource: example } of examples) {
      const resourceType = String(example["resourceType"]);
      let sent = remapReferences(example, created);
      // A Provenance belongs to the patient of its target. The examples' targets (Procedure, MolecularSequence) are
      // types this server does not store, so they are pointed at a stored Observation instead.
      if (resourceType === "Provenance") sent = { ...sent, target: [{ reference: `Observation/${created.get("Observation")}` }] };
      const writer = directoryTypes.has(resourceType) ? directoryClient : client;
      // Records belong to a registered patient here; an example whose subject is a contained Patient is refused.
      if (JSON.stringify((sent as Json)["subject"] ?? (sent as Json)["patient"] ?? null).includes('"reference":"#')) {
        const refused = await writer.create({ resourceType, body: sent as { resourceType: string } }).catch((error: { response: { status: number; data: Json } }) => error.response);
        assert.equal((refused as { status: number }).status, 422, name);
        refusedContained.push(name);
        continue;
      }
      const response = (await writer.create({ resourceType, body: sent as { resourceType: string } }).catch((error: { response?: { status: number; data: unknown } }) => {
        assert.fail(`${name}: ${error.response?.status} ${JSON.stringify(error.response?.data).slice(0, 400)}`);
      })) as Json;
      const id = String(response["id"]);
      if (!created.has(resourceType)) created.set(resourceType, id);
      const read = (await writer.read({ resourceType, id })) as Json;
      assert.deepEqual(withoutServerElements(read), withoutServerElements(sent as Json), name);
      types.add(resourceType);
    }
    assert.deepEqual(refusedContained, ["observation-example-10minute-apgar-score.json"]);
    assert.deepEqual(
      [...types].sort(),
      ["AllergyIntolerance", "CareTeam", "Condition", "Consent", "DiagnosticReport", "DocumentReference", "Encounter", "MedicationRequest", "Observation", "Organization", "Patient", "Practitioner", "PractitionerRole", "Provenance"],
    );
  });

  // MAL-1: a file sent over the FHIR API goes through the same sanitiser as a browser upload.
  it("creates the official Binary example (a JPEG with EXIF and GPS) and reads it back sanitised, as FHIR JSON and as the file", async () => {
    const example = JSON.parse(await readFile(path.join(binaryFixtures, "binary-f006.json"), "utf8")) as Json;
    const original = Buffer.from(String(example["data"]), "base64");
    assert.ok((await sharp(original).metadata()).exif, "the example carries EXIF");
    const patient = (await client.create({ resourceType: "Patient", body: buildPatient() })) as Json;
    // The example belongs to no patient; here every file belongs to one, named as its securityContext.
    const securityContext = { reference: `Patient/${String(patient["id"])}` };
    const sent: Json = { ...example, securityContext };
    const created = (await client.create({ resourceType: "Binary", body: sent as { resourceType: string } })) as Json;
    assert.deepEqual({ ...created, id: undefined }, { resourceType: "Binary", id: undefined, contentType: "image/jpeg", securityContext });

    const read = (await client.read({ resourceType: "Binary", id: String(created["id"]) })) as Json;
    assert.deepEqual([read["resourceType"], read["id"], read["contentType"], read["securityContext"]], ["Binary", created["id"], "image/jpeg", securityContext]);
    const stored = Buffer.from(String(read["data"]), "base64");
    const meta = await sharp(stored).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.exif, meta.xmp], ["jpeg", 266, 325, undefined, undefined]);

    // Asked for anything but FHIR JSON, the same read gives the file itself.
    const file = await globalThis.fetch(`${app.baseUrl}/fhir/R4/Binary/${String(created["id"])}`, { headers: { authorization: `Bearer ${doctorToken}`, accept: "image/*" } });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get("content-type"), "image/jpeg");
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), stored);
  });

  it("refuses a Binary to a token without a Binary scope, and a Binary without its patient or with data that is not base64", async () => {
    const patient = (await client.create({ resourceType: "Patient", body: buildPatient() })) as Json;
    const binary = { resourceType: "Binary", contentType: "text/plain", securityContext: { reference: `Patient/${String(patient["id"])}` }, data: Buffer.from("血圧 120/80\n").toString("base64") };
    const refusal = (body: Json, token: string) =>
      new Client({ baseUrl: `${app.baseUrl}/fhir/R4`, bearerToken: token }).create({ resourceType: "Binary", body: body as { resourceType: string } }).then(
        () => assert.fail("accepted"),
        (error: { response: { status: number; data: { issue: Array<{ details: { coding: Array<{ code: string }> }; expression?: string[] }> } } }) => ({
          status: error.response.status,
          code: error.response.data.issue[0]!.details.coding[0]!.code,
          expression: error.response.data.issue[0]!.expression,
        }),
      );
    assert.deepEqual(await refusal(binary, patientOnlyToken), { status: 403, code: "access.denied", expression: undefined });
    assert.deepEqual(await refusal({ ...binary, securityContext: undefined }, doctorToken), { status: 400, code: "uploads.invalid_binary", expression: ["Binary.securityContext"] });
    assert.deepEqual(await refusal({ ...binary, data: "not base64!" }, doctorToken), { status: 400, code: "uploads.invalid_binary", expression: ["Binary.data"] });
  });

  it("finds the created examples by search and reports errors as OperationOutcome", async () => {
    const bundle = (await client.search({ resourceType: "Observation", searchParams: { _count: "5" } })) as { resourceType: string; type: string; entry?: unknown[] };
    assert.equal(bundle.type, "searchset");
    assert.ok((bundle.entry ?? []).length > 0);
    const failure = await client.create({ resourceType: "Observation", body: { resourceType: "Observation", status: "not-a-status" } }).catch((error: { response: { status: number; data: Json } }) => error.response);
    assert.ok([400, 422].includes((failure as { status: number }).status));
    assert.equal((failure as { data: Json }).data["resourceType"], "OperationOutcome");
  });
});
