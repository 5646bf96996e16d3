import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildPatient, buildVitalSign, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };
const form = { contentType: "application/x-www-form-urlencoded" };

function observation(patientId: string, code: string, effective: string, encounterId?: string) {
  return buildVitalSign(patientId, { code, effective, ...(encounterId ? { encounterId } : {}) });
}

type Bundle = { resourceType: string; type: string; link: Array<{ relation: string; url: string }>; entry?: Array<{ resource: { resourceType: string; id: string }; search: { mode: string } }> };
const ids = (bundle: Bundle, mode = "match") => (bundle.entry ?? []).filter((entry) => entry.search.mode === mode).map((entry) => entry.resource.id);

// Search over blind indexes through the REST API: names in kanji and kana (any width), paging, includes, conditional create.
describe("FHIR search", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  let patientId: string;
  before(async () => {
    app = await startTestApp();
    doctor = await app.signedInUser("doctor");
    patientId = (await doctor.client.post("/fhir/R4/Patient", buildPatient({ familyKanji: "検索", givenKanji: "花子", familyKana: "ケンサク", givenKana: "ハナコ", patientNumber: "P-SEARCH-1" }), fhir)).json.id as string;
    await doctor.client.post("/fhir/R4/Patient", buildPatient({ familyKanji: "別人", familyKana: "ベツジン" }), fhir);
  });
  after(() => app.close());

  it("finds a patient by kanji, by kana in full or half width, and by prefix, with POST _search keeping names out of the URL", async () => {
    for (const query of ["name=検索", "family=けんさく", "family=ｹﾝｻｸ", "name=ケンサク ハナコ", "family=ケン", "identifier=P-SEARCH-1"]) {
      const response = await doctor.client.post("/fhir/R4/Patient/_search", query, form);
      assert.equal(response.status, 200, `${query}: ${response.text}`);
      assert.deepEqual(ids(response.json as Bundle), [patientId], query);
    }
    const none = await doctor.client.post("/fhir/R4/Patient/_search", "family=サトウ", form);
    assert.deepEqual(ids(none.json as Bundle), []);
  });

  it("pages with sealed links that carry no parameters, without gaps or repeats", async () => {
    const created: string[] = [];
    for (let day = 1; day <= 7; day++) created.push((await doctor.client.post("/fhir/R4/Observation", observation(patientId, "8867-4", `2026-11-0${day}T09:00:00+09:00`), fhir)).json.id as string);
    const seen: string[] = [];
    let url: string | undefined = `/fhir/R4/Observation?patient=${patientId}&code=http://loinc.org|8867-4&_count=3&_sort=date`;
    while (url) {
      const response = await doctor.client.get(url);
      assert.equal(response.status, 200, response.text);
      const bundle = response.json as Bundle;
      seen.push(...ids(bundle));
      const next = bundle.link.find((link) => link.relation === "next")?.url;
      if (next) assert.match(next, /\?_page=[\w-]+$/, "the next link holds only the sealed token");
      url = next ? new URL(next).pathname + new URL(next).search : undefined;
    }
    assert.deepEqual(seen, created);
  });

  it("includes the referenced encounter and rev-includes observations of a patient", async () => {
    const encounter = await doctor.client.post(
      "/fhir/R4/Encounter",
      { resourceType: "Encounter", status: "finished", class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" }, subject: { reference: `Patient/${patientId}` } },
      fhir,
    );
    assert.equal(encounter.status, 201, encounter.text);
    const withEncounter = await doctor.client.post("/fhir/R4/Observation", observation(patientId, "8310-5", "2026-11-10T09:00:00+09:00", encounter.json.id), fhir);
    const included = await doctor.client.get(`/fhir/R4/Observation?code=8310-5&patient=${patientId}&_include=Observation:encounter`);
    assert.deepEqual(ids(included.json as Bundle), [withEncounter.json.id]);
    assert.deepEqual(ids(included.json as Bundle, "include"), [encounter.json.id]);
    const revincluded = await doctor.client.get(`/fhir/R4/Patient?_id=${patientId}&_revinclude=Observation:patient&_count=1`);
    assert.deepEqual(ids(revincluded.json as Bundle), [patientId]);
    assert.ok(ids(revincluded.json as Bundle, "include").includes(withEncounter.json.id));
  });

  it("creates conditionally: an existing match is returned instead of a duplicate", async () => {
    const first = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "P-COND-1" }), { ...fhir, headers: { "if-none-exist": "identifier=P-COND-1" } });
    assert.equal(first.status, 201);
    const again = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "P-COND-1" }), { ...fhir, headers: { "if-none-exist": "identifier=P-COND-1" } });
    assert.equal(again.status, 200);
    assert.equal(again.json.id, first.json.id);
  });

  it("refuses unsupported parameters with 400 OperationOutcome naming them, and finds nothing after a delete", async () => {
    const unknown = await doctor.client.get("/fhir/R4/Observation?shoe-size=42");
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.resourceType, "OperationOutcome");
    assert.deepEqual(unknown.json.issue[0].expression, ["shoe-size"]);
    const created = await doctor.client.post("/fhir/R4/Observation", observation(patientId, "29463-7", "2026-11-12T09:00:00+09:00"), fhir);
    await doctor.client.request("DELETE", `/fhir/R4/Observation/${created.json.id}`);
    const after = await doctor.client.get(`/fhir/R4/Observation?code=29463-7&patient=${patientId}`);
    assert.deepEqual(ids(after.json as Bundle), []);
  });

  it("states in the CapabilityStatement exactly the parameters it accepts", async () => {
    const metadata = await doctor.client.get("/fhir/R4/metadata");
    const observationEntry = metadata.json.rest[0].resource.find((resource: { type: string }) => resource.type === "Observation");
    const names = observationEntry.searchParam.map((param: { name: string }) => param.name);
    for (const name of ["patient", "code", "date", "category"]) assert.ok(names.includes(name), name);
    assert.ok(observationEntry.searchInclude.includes("Observation:encounter"));
  });
});
