import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { commandLinePrincipal } from "../../identity/index.js";
import type { Principal } from "../../kernel/index.js";
import { startTestApp, type SignedInUser, type TestApp } from "../../testing/index.js";
import { isSupportedType } from "../resources/index.js";
import { validateResource } from "../validation/index.js";
import { loadSyntheticPatients, syntheticPatientBundle, syntheticPatientNumber, syntheticPatientNumberSystem } from "./index.js";

type Entry = { resource: { resourceType: string; [key: string]: unknown } };

describe("synthetic patient bundle", () => {
  it("is a valid R4 transaction of a JP Core-style patient, a visit and coded results", () => {
    const bundle = syntheticPatientBundle(42, 9);
    const entries = bundle.entry as Entry[];
    assert.deepEqual(
      entries.map((entry) => entry.resource.resourceType),
      ["Patient", "Encounter", ...Array.from({ length: 9 }, () => "Observation")],
    );
    for (const { resource } of entries) {
      assert.ok(isSupportedType(resource.resourceType));
      // A urn:uuid reference is resolved by the transaction; validation sees the shape only.
      assert.doesNotThrow(() => validateResource(resource.resourceType as never, resource), resource.resourceType);
    }
    const patient = entries[0]!.resource as unknown as { name: Array<{ family: string; extension: Array<{ valueCode: string }> }>; identifier: Array<{ system: string; value: string }> };
    assert.deepEqual(
      patient.name.map((name) => name.extension[0]!.valueCode),
      ["IDE", "SYL"],
    );
    assert.match(patient.name[1]!.family, /^[\u30a0-\u30ff]+$/, "the second name is the katakana reading");
    assert.deepEqual(patient.identifier, [{ system: syntheticPatientNumberSystem, value: syntheticPatientNumber(42) }]);
    for (const { resource } of entries.slice(2)) {
      const quantity = resource["valueQuantity"] as { system: string; code: string };
      assert.equal(quantity.system, "http://unitsofmeasure.org");
      assert.equal((resource["code"] as { coding: Array<{ system: string }> }).coding[0]!.system, "http://loinc.org");
    }
  });

  it("is the same for the same index and differs between indexes", () => {
    assert.deepEqual(syntheticPatientBundle(7, 3), syntheticPatientBundle(7, 3));
    assert.notDeepEqual(syntheticPatientBundle(7, 3).entry[0], syntheticPatientBundle(8, 3).entry[0]);
  });
});

describe("synthetic patient load", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  let principal: Principal;
  before(async () => {
    app = await startTestApp();
    doctor = await app.signedInUser("doctor");
    principal = (await commandLinePrincipal(app.mamori.db, doctor.email, "generate"))!;
  });
  after(() => app.close());

  const records = () => app.mamori.records;
  const isWritten = async (who: Principal, index: number) => (await records().findOne(who, "Patient", `identifier=${syntheticPatientNumberSystem}|${syntheticPatientNumber(index)}`)) !== undefined;

  it("names the clinician's active staff account only", async () => {
    assert.equal(principal.accountId, doctor.accountId);
    assert.deepEqual(principal.roles, ["doctor"]);
    assert.equal(await commandLinePrincipal(app.mamori.db, "nobody@example.invalid", "generate"), undefined);
  });

  it("stops cleanly when interrupted and resumes without writing a patient twice", async () => {
    const stop = new AbortController();
    const first = await loadSyntheticPatients({
      transaction: (who, bundle) => records().transaction(who, bundle),
      isWritten,
      principal,
      from: 1000,
      count: 8,
      observationsPerPatient: 3,
      concurrency: 2,
      signal: stop.signal,
      progressEvery: 1,
      onProgress: (progress) => {
        if (progress.patients >= 3) stop.abort();
      },
    });
    assert.equal(first.interrupted, true);
    assert.ok(first.patients >= 3 && first.patients < 8, `wrote ${first.patients}`);
    assert.equal(first.nextIndex - 1000, first.patients, "every patient before nextIndex is complete");

    // Resume one index early, as after a failure, to show a patient already written is recognised and left alone.
    const second = await loadSyntheticPatients({
      transaction: (who, bundle) => records().transaction(who, bundle),
      isWritten,
      principal,
      from: first.nextIndex - 1,
      count: 1008 - (first.nextIndex - 1),
      observationsPerPatient: 3,
      concurrency: 2,
    });
    assert.equal(second.interrupted, false);
    assert.equal(second.skipped, 1);
    assert.equal(first.patients + second.patients, 8);

    for (let index = 1000; index < 1008; index++) {
      const patient = await records().findOne(principal, "Patient", `identifier=${syntheticPatientNumberSystem}|${syntheticPatientNumber(index)}`);
      assert.ok(patient, `patient ${index}`);
      const results = await records().search(principal, "Observation", [["patient", patient.resource.id!]]);
      assert.equal(results.matches.length, 3, `observations of patient ${index}`);
    }
  });

  it("writes patients the clinician can find by kana name through the API", async () => {
    await loadSyntheticPatients({ transaction: (who, bundle) => records().transaction(who, bundle), principal, from: 2000, count: 1, observationsPerPatient: 0, concurrency: 1 });
    const kana = ((syntheticPatientBundle(2000, 0).entry[0] as Entry).resource["name"] as Array<{ family: string }>)[1]!.family;
    const found = await doctor.client.post("/fhir/R4/Patient/_search", `family=${encodeURIComponent(kana)}&identifier=${encodeURIComponent(syntheticPatientNumber(2000))}`, { contentType: "application/x-www-form-urlencoded" });
    assert.equal(found.status, 200, found.text);
    assert.equal((found.json as { entry?: unknown[] }).entry?.length, 1);
  });
});
