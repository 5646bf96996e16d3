import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Client } from "fhir-kit-client";
import { createHttpsFetch, startTestApp, type TestApp } from "../src/testing/index.js";
import { registerClient, relyingParty, signInThroughProvider } from "./oidc-helpers.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "fhir-r4");
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
  before(async () => {
    app = await startTestApp();
    const admin = await app.signedInUser("admin");
    const doctor = await app.signedInUser("doctor");
    const relying = await relyingParty(app, await registerClient(admin));
    const tokens = await signInThroughProvider(doctor.client, relying, "openid user/*.cruds");
    const adminTokens = await signInThroughProvider(admin.client, relying, "openid user/*.cruds");
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

  it("finds the created examples by search and reports errors as OperationOutcome", async () => {
    const bundle = (await client.search({ resourceType: "Observation", searchParams: { _count: "5" } })) as { resourceType: string; type: string; entry?: unknown[] };
    assert.equal(bundle.type, "searchset");
    assert.ok((bundle.entry ?? []).length > 0);
    const failure = await client.create({ resourceType: "Observation", body: { resourceType: "Observation", status: "not-a-status" } }).catch((error: { response: { status: number; data: Json } }) => error.response);
    assert.ok([400, 422].includes((failure as { status: number }).status));
    assert.equal((failure as { data: Json }).data["resourceType"], "OperationOutcome");
  });
});
