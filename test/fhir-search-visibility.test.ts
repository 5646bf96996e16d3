import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildVitalSign, createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };
const labelled = (code: "R" | "V") => ({ security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code }] });

type Bundle = { resourceType: string; total?: number; link: Array<{ relation: string; url: string }>; entry?: Array<{ resource: { id: string }; search: { mode: string } }> };

/** Every page of a search, following `next` links, as the ids of each page's matches. */
async function allPages(user: SignedInUser, first: string): Promise<{ pages: string[][]; bundles: Bundle[] }> {
  const pages: string[][] = [];
  const bundles: Bundle[] = [];
  let url: string | undefined = first;
  while (url) {
    const response = await user.client.get(url);
    assert.equal(response.status, 200, response.text);
    const bundle = response.json as Bundle;
    bundles.push(bundle);
    pages.push((bundle.entry ?? []).filter((entry) => entry.search.mode === "match").map((entry) => entry.resource.id));
    const next = bundle.link.find((link) => link.relation === "next")?.url;
    url = next ? new URL(next).pathname + new URL(next).search : undefined;
    assert.ok(pages.length <= 20, "paging ends");
  }
  return { pages, bundles };
}

// ACC-1: a search shows only what the caller may see; paging and counts must not give away the rest.
describe("FHIR search as a clinician related to only some patients, over restricted records", () => {
  let app: TestApp;
  let nurse: SignedInUser;
  let consultant: SignedInUser;
  /** Observation ids in date order, with the patient index (0-3) and label of each. */
  const observations: Array<{ id: string; patient: number; label: "N" | "R" | "V" }> = [];

  before(async () => {
    app = await startTestApp();
    const admin = await app.signedInUser("admin");
    const registrar = await app.signedInUser("doctor");
    nurse = await app.signedInUser("nurse");
    consultant = await app.signedInUser("doctor");
    for (const [user, practitionerId] of [[nurse, "pr-ward-nurse"], [consultant, "pr-consultant"]] as const) {
      const linked = await admin.client.request("PUT", `/api/admin/accounts/${user.accountId}/practitioner`, { body: { practitionerId } });
      assert.equal(linked.status, 204, linked.text);
    }
    const patients: string[] = [];
    for (let n = 0; n < 4; n++) patients.push(await createPatient(registrar, { patientNumber: `P-VIS-${n}` }));
    // The nurse cares for patients 0 and 2, the consultant for patients 1 and 2.
    const careTeams: Array<[number, string[]]> = [[0, ["pr-ward-nurse"]], [1, ["pr-consultant"]], [2, ["pr-ward-nurse", "pr-consultant"]]];
    for (const [patient, members] of careTeams) {
      const careTeam = { resourceType: "CareTeam", status: "active", subject: { reference: `Patient/${patients[patient]}` }, participant: members.map((member) => ({ member: { reference: `Practitioner/${member}` } })) };
      const created = await registrar.client.post("/fhir/R4/CareTeam", careTeam, fhir);
      assert.equal(created.status, 201, created.text);
    }
    // Sixteen readings, one a day, the patients taking turns; every third restricted (R), every fifth very restricted (V).
    for (let day = 1; day <= 16; day++) {
      const patient = (day - 1) % 4;
      const label = day % 5 === 0 ? "V" : day % 3 === 0 ? "R" : "N";
      const reading = { ...buildVitalSign(patients[patient]!, { code: "2708-6", effective: `2026-10-${String(day).padStart(2, "0")}T09:00:00+09:00` }), ...(label === "N" ? {} : { meta: labelled(label) }) };
      const created = await registrar.client.post("/fhir/R4/Observation", reading, fhir);
      assert.equal(created.status, 201, created.text);
      observations.push({ id: created.json.id as string, patient, label });
    }
  });
  after(() => app.close());

  const search = "/fhir/R4/Observation?code=http://loinc.org|2708-6&_sort=date&_count=3";
  const expectedFor = (patients: number[], labels: Array<"N" | "R" | "V">) =>
    observations.filter((observation) => patients.includes(observation.patient) && labels.includes(observation.label)).map((observation) => observation.id);

  for (const [who, user, patients, labels] of [
    // A nurse of the care team reads R but never V records (records-labels.cedar).
    ["a nurse", () => nurse, [0, 2], ["N", "R"]],
    // A doctor with a real care relationship reads V records too.
    ["a doctor", () => consultant, [1, 2], ["N", "R", "V"]],
  ] as const) {
    it(`gives ${who} only the records of related patients their labels allow, in full pages, continuing without gaps or repeats`, async () => {
      const expected = expectedFor([...patients], [...labels]);
      assert.ok(expected.length >= 5 && expected.length < observations.length, "the set-up hides some records and shows several");
      const { pages, bundles } = await allPages(user(), search);
      assert.deepEqual(pages.flat(), expected, "exactly the visible records, in date order");
      // Every page but the last is full: hidden candidates are skipped, not counted against _count. Nor does a
      // `next` link lead to an empty page when only hidden matches remain.
      for (const page of pages.slice(0, -1)) assert.equal(page.length, 3);
      assert.ok(pages.at(-1)!.length >= 1 && pages.at(-1)!.length <= 3, `last page: ${pages.at(-1)!.length}`);
      // No count is offered, so nothing tells how many matched in all.
      for (const bundle of bundles) assert.equal(bundle.total, undefined);
      const hidden = observations.filter((observation) => !expected.includes(observation.id)).map((observation) => observation.id);
      for (const bundle of bundles) for (const id of hidden) assert.ok(!JSON.stringify(bundle).includes(id), `hidden ${id} appears`);
    });
  }

  it("refuses to count matches (_total, _summary=count) rather than count records the caller may not see", async () => {
    for (const query of ["_total=accurate", "_summary=count"]) {
      const refused = await nurse.client.get(`/fhir/R4/Observation?code=2708-6&${query}`);
      assert.equal(refused.status, 400, `${query}: ${refused.text}`);
      assert.equal(refused.json.resourceType, "OperationOutcome");
    }
  });
});
