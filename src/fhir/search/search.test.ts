import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { sql } from "kysely";
import { createKeyring, openLocalKeyFile, type Keyring } from "../../crypto/index.js";
import type { Database } from "../../db/index.js";
import { createManualClock, isAppError } from "../../kernel/index.js";
import type { FhirResource } from "../resources/index.js";
import { buildPatient, openTestDatabase } from "../../testing/index.js";
import { createSearchIndex, openPageToken, sealPageToken, searchParamsFromQuery, searchParamsOf, type ResourceKey, type SearchIndex } from "./index.js";

const jpName = (code: "IDE" | "SYL" | "ABC", family: string, given: string) => ({
  use: "official",
  extension: [{ url: "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation", valueCode: code }],
  family,
  given: [given],
});
const patientNumberSystem = "urn:oid:1.2.392.100495.20.3.51.1";
const loinc = "http://loinc.org";

describe("FHIR search index", () => {
  let dir: string;
  let db: Database;
  let keyring: Keyring;
  let index: SearchIndex;
  let updated = Date.parse("2026-04-01T00:00:00Z");

  /** Indexes a resource as the records module would, with a fresh lastUpdated each time. */
  async function put(resource: FhirResource & { id: string }, patientId?: string) {
    updated += 60_000;
    await index.write(db.kysely, { ...resource, meta: { versionId: "1", lastUpdated: new Date(updated).toISOString() } }, patientId);
  }
  async function ids(type: string, params: Array<[string, string]>): Promise<string[]> {
    const search = index.parse(type, params);
    return (await index.page(db.kysely, search, undefined, 100)).keys.map((key) => key.id);
  }
  const refused = (type: string, params: Array<[string, string]>, param: string) =>
    assert.throws(() => index.parse(type, params), (error) => isAppError(error, "fhir.invalid_search") && error.expression?.[0] === param);

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-search-"));
    db = await openTestDatabase();
    keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock: createManualClock() });
    index = createSearchIndex({ keyring });
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await sql`delete from fhir_search_resource`.execute(db.kysely);
  });

  async function seedPatients() {
    await put({
      ...buildPatient({ familyKanji: "山田", givenKanji: "太郎", familyKana: "ヤマダ", givenKana: "タロウ", birthDate: "1980-04-01", patientNumber: "00012345" }),
      id: "p1",
      name: [jpName("IDE", "山田", "太郎"), jpName("SYL", "ヤマダ", "タロウ"), jpName("ABC", "Yamada", "Taro")],
      telecom: [{ system: "phone", value: "03-1234-5678" }, { system: "email", value: "Taro.Yamada@example.jp" }],
      gender: "male",
    });
    await put({ ...buildPatient({ familyKanji: "山本", givenKanji: "花子", familyKana: "ヤマモト", givenKana: "ハナコ", birthDate: "1980-05-20", patientNumber: "00054321" }), id: "p2" });
    await put({ ...buildPatient({ familyKanji: "佐藤", givenKanji: "一郎", familyKana: "サトウ", givenKana: "イチロウ", birthDate: "1992-04-01", patientNumber: "00099999" }), id: "p3" });
  }

  it("finds patients by kanji, kana in either script and width, and romaji prefixes", async () => {
    await seedPatients();
    assert.deepEqual(await ids("Patient", [["name", "山"]]), ["p1", "p2"]);
    assert.deepEqual(await ids("Patient", [["name", "山田"]]), ["p1"]);
    assert.deepEqual(await ids("Patient", [["family", "やま"]]), ["p1", "p2"], "hiragana finds katakana");
    assert.deepEqual(await ids("Patient", [["family", "ﾔﾏﾀﾞ"]]), ["p1"], "half-width katakana with a voiced mark");
    assert.deepEqual(await ids("Patient", [["name", "ヤマダ タロウ"]]), ["p1"], "family+given with a space");
    assert.deepEqual(await ids("Patient", [["name", "山田太"]]), ["p1"]);
    assert.deepEqual(await ids("Patient", [["name", "YAMA"]]), ["p1"], "romaji, case folded");
    assert.deepEqual(await ids("Patient", [["name", "Taro Yam"]]), ["p1"], "romaji given name first");
    assert.deepEqual(await ids("Patient", [["given", "はな"]]), ["p2"]);
    assert.deepEqual(await ids("Patient", [["given", "山"]]), [], "given does not search family names");
    assert.deepEqual(await ids("Patient", [["name", "たろ,さと"]]), ["p1", "p3"], "comma is OR");
    assert.deepEqual(await ids("Patient", [["name", "やま"], ["given", "はな"]]), ["p2"], "repeated parameters are AND");
    assert.deepEqual(await ids("Patient", [["name", "田中"]]), []);
    // Names are indexed to 32 characters: a longer search string matches on those.
    const long = "Wolfeschlegelsteinhausenbergerdorff";
    await put({ resourceType: "Patient", id: "p4", name: [{ family: long, given: ["Hubert"] }] });
    assert.deepEqual(await ids("Patient", [["family", long.toUpperCase()]]), ["p4"]);
    assert.deepEqual(await ids("Patient", [["family", `${long.slice(0, 31)}x`]]), []);
  });

  it("finds patients by identifier, telecom, gender and birth date at year, month and day", async () => {
    await seedPatients();
    assert.deepEqual(await ids("Patient", [["identifier", `${patientNumberSystem}|00012345`]]), ["p1"]);
    assert.deepEqual(await ids("Patient", [["identifier", "00054321"]]), ["p2"]);
    assert.deepEqual(await ids("Patient", [["identifier", "urn:other|00054321"]]), []);
    assert.deepEqual(await ids("Patient", [["identifier", `${patientNumberSystem}|`]]), ["p1", "p2", "p3"]);
    assert.deepEqual(await ids("Patient", [["birthdate", "1980"]]), ["p1", "p2"]);
    assert.deepEqual(await ids("Patient", [["birthdate", "1980-04"]]), ["p1"]);
    assert.deepEqual(await ids("Patient", [["birthdate", "eq1980-04-01"]]), ["p1"]);
    assert.deepEqual(await ids("Patient", [["birthdate", "1992-04-01"]]), ["p3"]);
    assert.deepEqual(await ids("Patient", [["phone", "0312345678"]]), ["p1"], "phone matched on digits");
    assert.deepEqual(await ids("Patient", [["email", "taro.yamada@EXAMPLE.jp"]]), ["p1"]);
    assert.deepEqual(await ids("Patient", [["telecom", "phone|03-1234-5678"]]), ["p1"]);
    assert.deepEqual(await ids("Patient", [["gender", "female"]]), ["p2", "p3"]);
    assert.deepEqual(await ids("Patient", [["_id", "p3,p1"]]), ["p1", "p3"]);
  });

  it("reads a POST _search form body as it reads the same query string", async () => {
    await seedPatients();
    const body = "family=%E3%82%84%E3%81%BE&gender=male&_count=5";
    assert.deepEqual(searchParamsFromQuery(body), [["family", "やま"], ["gender", "male"], ["_count", "5"]]);
    assert.deepEqual(searchParamsFromQuery(`?${body}`), searchParamsFromQuery(body));
    assert.deepEqual(await ids("Patient", searchParamsFromQuery(body)), ["p1"]);
    assert.deepEqual(searchParamsFromQuery("name=%E5%B1%B1+%E7%94%B0"), [["name", "山 田"]], "+ is a space in form bodies");
  });

  it("refuses unsupported parameters, modifiers, prefixes and sorts, naming the parameter", () => {
    refused("Patient", [["birthdate", "ge1980"]], "birthdate");
    refused("Patient", [["birthdate", "1980-4"]], "birthdate");
    refused("Patient", [["_sort", "birthdate"]], "_sort");
    refused("Patient", [["_sort", "name"]], "_sort");
    refused("Condition", [["_sort", "date"]], "_sort");
    refused("Patient", [["address", "東京"]], "address");
    refused("Patient", [["name:exact", "山田"]], "name:exact");
    refused("Observation", [["code:missing", "true"]], "code:missing");
    refused("Observation", [["patient.name", "山田"]], "patient.name");
    refused("Patient", [["_has:Observation:patient:code", "1234-5"]], "_has");
    refused("Patient", [["山田", "x"]], "(unreadable parameter name)");
    refused("Observation", [["date", "2026-13-01"]], "date");
    refused("Observation", [["_count", "0"]], "_count");
    refused("Observation", [["_include", "Encounter:participant"]], "_include");
    refused("Observation", [["_include", "Observation:code"]], "_include");
    refused("Observation", [["patient", "not a reference"]], "patient");
    assert.throws(() => index.parse("Basic", []), (error) => isAppError(error, "fhir.unsupported_type"));
    assert.equal(index.parse("Observation", [["_count", "500"]]).count, 100, "_count is lowered to 100");
    assert.equal(index.parse("Observation", []).count, 20);
  });

  async function seedClinical() {
    await put({ resourceType: "Encounter", id: "e1", status: "finished", class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" }, subject: { reference: "Patient/p1" }, participant: [{ individual: { reference: "Practitioner/dr1" } }], serviceProvider: { reference: "Organization/naika" }, period: { start: "2026-03-10T09:00:00+09:00", end: "2026-03-10T09:30:00+09:00" } }, "p1");
    const observation = (id: string, patient: string, code: string, effective: string) => ({
      resourceType: "Observation",
      id,
      status: "final",
      category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] }],
      code: { coding: [{ system: loinc, code }] },
      subject: { reference: `Patient/${patient}` },
      encounter: { reference: "Encounter/e1" },
      effectiveDateTime: effective,
    });
    await put(observation("o1", "p1", "2339-0", "2026-03-10T09:15:00+09:00"), "p1");
    await put(observation("o2", "p1", "718-7", "2026-03-31T23:30:00+09:00"), "p1");
    await put(observation("o3", "p2", "2339-0", "2026-04-01"), "p2");
    await put({ resourceType: "DiagnosticReport", id: "r1", status: "final", code: { coding: [{ system: loinc, code: "58410-2" }] }, subject: { reference: "Patient/p1" }, result: [{ reference: "Observation/o1" }, { reference: "Observation/o2" }], effectiveDateTime: "2026-03-11" }, "p1");
  }

  it("finds clinical records by code, category, reference forms and date ranges", async () => {
    await seedClinical();
    assert.deepEqual(await ids("Observation", [["code", `${loinc}|2339-0`]]), ["o1", "o3"]);
    assert.deepEqual(await ids("Observation", [["code", "718-7"]]), ["o2"]);
    assert.deepEqual(await ids("Observation", [["code", "http://snomed.info/sct|718-7"]]), []);
    assert.deepEqual(await ids("Observation", [["category", "laboratory"]]), ["o1", "o2", "o3"]);
    for (const value of ["Patient/p1", "p1"]) {
      assert.deepEqual(await ids("Observation", [["patient", value]]), ["o1", "o2"]);
      assert.deepEqual(await ids("Observation", [["subject", value]]), ["o1", "o2"]);
    }
    assert.deepEqual(await ids("Observation", [["subject:Patient", "p2"]]), ["o3"]);
    assert.deepEqual(await ids("Observation", [["subject", "https://mamori.example/fhir/R4/Patient/p2"]]), ["o3"]);
    assert.deepEqual(await ids("Observation", [["subject:Group", "p2"]]), []);
    assert.deepEqual(await ids("Observation", [["encounter", "Encounter/e1"], ["code", "718-7"]]), ["o2"]);
    // Zone-less dates are Japan time: 23:30 JST on 31 March is in March, not in April.
    assert.deepEqual(await ids("Observation", [["date", "2026-03"]]), ["o1", "o2"]);
    assert.deepEqual(await ids("Observation", [["date", "2026-03-31"]]), ["o2"]);
    assert.deepEqual(await ids("Observation", [["date", "ge2026-03-31"]]), ["o2", "o3"]);
    assert.deepEqual(await ids("Observation", [["date", "gt2026-03-31"]]), ["o3"]);
    assert.deepEqual(await ids("Observation", [["date", "lt2026-03-31"]]), ["o1"]);
    assert.deepEqual(await ids("Observation", [["date", "le2026-03-31"]]), ["o1", "o2"]);
    assert.deepEqual(await ids("Observation", [["date", "ge2026-03-01"], ["date", "lt2026-03-20"]]), ["o1"]);
    assert.deepEqual(await ids("Observation", [["date", "ne2026-03"]]), ["o3"]);
    assert.deepEqual(await ids("Observation", [["date", "sa2026-03-10T09:15:00+09:00"]]), ["o2", "o3"]);
    assert.deepEqual(await ids("Observation", [["date", "eb2026-03-31"]]), ["o1"]);
    assert.deepEqual(await ids("Encounter", [["date", "2026-03-10"], ["participant", "Practitioner/dr1"], ["class", "AMB"], ["status", "finished"], ["service-provider", "naika"]]), ["e1"]);
    assert.deepEqual(await ids("Encounter", [["date", "2026-03-11"]]), []);
    assert.deepEqual(await ids("DiagnosticReport", [["result", "Observation/o2"]]), ["r1"]);
    assert.deepEqual(await ids("Observation", [["_lastUpdated", `gt${new Date(updated - 60_000).toISOString()}`]]), []);
    assert.equal((await ids("Observation", [["_lastUpdated", "ge2026-04-01"]])).length, 3);
  });

  it("gives _include targets and _revinclude sources of the matches", async () => {
    await seedClinical();
    const key = (type: string, id: string): ResourceKey => ({ type, id });
    const observations = index.parse("Observation", [["code", "2339-0"], ["_include", "Observation:patient"], ["_include", "Observation:encounter"]]);
    const matches = (await index.page(db.kysely, observations, undefined, 10)).keys;
    assert.deepEqual(await index.includes(db.kysely, observations, matches), [key("Encounter", "e1"), key("Patient", "p1"), key("Patient", "p2")]);
    const typed = index.parse("Observation", [["_id", "o1"], ["_include", "Observation:subject:Group"]]);
    assert.deepEqual(await index.includes(db.kysely, typed, [key("Observation", "o1")]), []);
    const patients = index.parse("Patient", [["_id", "p1"], ["_revinclude", "Observation:patient"], ["_revinclude", "Encounter:subject"]]);
    assert.deepEqual(await index.revincludes(db.kysely, patients, [key("Patient", "p1")]), [key("Encounter", "e1"), key("Observation", "o1"), key("Observation", "o2")]);
    const encounters = index.parse("Encounter", [["_include", "Encounter:participant"], ["_revinclude", "Observation:encounter"]]);
    assert.deepEqual(await index.includes(db.kysely, encounters, [key("Encounter", "e1")]), [key("Practitioner", "dr1")]);
    assert.equal((await index.revincludes(db.kysely, encounters, [key("Encounter", "e1")])).length, 3);
  });

  it("replaces rows on update and removes them on delete", async () => {
    await seedPatients();
    await put({ ...buildPatient({ familyKanji: "田中", familyKana: "タナカ", birthDate: "1980-04-01" }), id: "p1" });
    assert.deepEqual(await ids("Patient", [["name", "山田"]]), [], "the old name no longer matches");
    assert.deepEqual(await ids("Patient", [["family", "たなか"]]), ["p1"]);
    await index.remove(db.kysely, "Patient", "p1");
    assert.deepEqual(await ids("Patient", [["family", "たなか"]]), []);
    assert.deepEqual(await ids("Patient", []), ["p2", "p3"]);
    await seedClinical();
    assert.equal(await index.removePatient(db.kysely, "p2"), 2, "the Patient and its Observation");
    assert.deepEqual(await ids("Observation", [["code", "2339-0"]]), ["o1"]);
  });

  it("pages through every match once, in order, for each sort", async () => {
    const total = 47;
    for (let n = 0; n < total; n += 1) {
      // Dates repeat so that ties are broken by id across page boundaries.
      await put({ resourceType: "Observation", id: `obs-${String((n * 37) % total).padStart(3, "0")}`, status: "final", code: { coding: [{ system: loinc, code: "8867-4" }] }, subject: { reference: "Patient/p9" }, effectiveDateTime: `2026-02-${String(1 + (n % 5)).padStart(2, "0")}` }, "p9");
    }
    await put({ resourceType: "Observation", id: "obs-nodate", status: "final", code: { coding: [{ system: loinc, code: "8867-4" }] }, subject: { reference: "Patient/p9" } }, "p9");
    for (const sort of ["_id", "-_id", "_lastUpdated", "-_lastUpdated", "date", "-date"]) {
      const search = index.parse("Observation", [["patient", "p9"], ["_sort", sort]]);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await index.page(db.kysely, search, cursor, 10);
        seen.push(...page.keys.map((key) => key.id));
        cursor = page.next;
        pages += 1;
      } while (cursor);
      assert.equal(pages, 5, sort);
      assert.equal(new Set(seen).size, total + 1, `${sort}: no duplicates or gaps`);
      const all = await ids("Observation", [["patient", "p9"], ["_sort", sort]]);
      assert.deepEqual(seen, all, `${sort}: paged order equals one-page order`);
      if (sort === "_id") assert.deepEqual(seen, [...seen].sort());
      if (sort === "date") assert.equal(seen.at(-1), "obs-nodate", "undated last");
    }
    await assert.rejects(index.page(db.kysely, index.parse("Observation", []), "bm90LWEtY3Vyc29y", 10), (error) => isAppError(error, "fhir.invalid_search"));
  });

  it("seals page tokens for one account, refuses them altered, for another account or after 30 minutes", async () => {
    const clock = createManualClock();
    const deps = { keyring, clock };
    const state = { type: "Patient", params: [["name", "山田"]] as Array<[string, string]>, cursor: "WzEsInAxIl0" };
    const token = await sealPageToken(deps, "account-a", state);
    assert.equal(token.includes("山田") || Buffer.from(token, "base64url").includes(Buffer.from("山田")), false);
    assert.deepEqual(await openPageToken(deps, "account-a", token), state);
    const isInvalid = (error: unknown) => isAppError(error, "fhir.invalid_search") && error.expression?.[0] === "_page";
    await assert.rejects(openPageToken(deps, "account-b", token), isInvalid);
    const altered = Buffer.from(token, "base64url");
    altered[altered.length - 5]! ^= 1;
    await assert.rejects(openPageToken(deps, "account-a", altered.toString("base64url")), isInvalid);
    await assert.rejects(openPageToken(deps, "account-a", "not a token!"), isInvalid);
    clock.advance(30 * 60_000);
    await assert.rejects(openPageToken(deps, "account-a", token), isInvalid);
  });

  it("keeps no name, identifier, birth date, code or telecom in clear in its tables", async () => {
    await seedPatients();
    await seedClinical();
    const dump: string[] = [];
    for (const table of ["fhir_search_resource", "fhir_search_token", "fhir_search_date", "fhir_search_reference"]) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db.kysely);
      assert.ok(rows.rows.length > 0, table);
      for (const row of rows.rows) {
        for (const value of Object.values(row)) {
          // Hashes as text in both readings: a clear value would show in one of them (hex is random digits, so not checked).
          if (value instanceof Uint8Array) dump.push(Buffer.from(value).toString("latin1"), Buffer.from(value).toString("utf8"));
          else dump.push(value instanceof Date ? value.toISOString() : String(value));
        }
      }
    }
    const text = dump.join("\n");
    const secrets = ["山田", "太郎", "ヤマダ", "やまだ", "yamada", "Yamada", "山本", "佐藤", "00012345", "00054321", "1980", "1992-04", "0312345678", "03-1234-5678", "example.jp", "2339-0", "718-7", "loinc", "laboratory", "male", "AMB", "finished"];
    for (const secret of secrets) assert.equal(text.toLowerCase().includes(secret.toLowerCase()), false, `${secret} in clear`);
    assert.ok(text.includes("p1") && text.includes("Encounter"), "references and ids stay readable");
  });

  it("lists exactly the parameters it accepts for the CapabilityStatement", () => {
    for (const type of ["Patient", "Observation", "Encounter", "Condition", "AllergyIntolerance", "MedicationRequest", "DiagnosticReport", "DocumentReference", "CareTeam", "Consent", "Provenance", "Practitioner", "PractitionerRole", "Organization"]) {
      const params = searchParamsOf(type);
      assert.ok(params.length > 2, type);
      for (const param of params) {
        const value = param.type === "date" ? "2026" : param.type === "reference" ? "x1" : "a";
        assert.doesNotThrow(() => index.parse(type, [[param.name, value]]), `${type}.${param.name}`);
      }
    }
    assert.deepEqual(searchParamsOf("Patient").map((param) => param.name), ["_id", "_lastUpdated", "identifier", "name", "family", "given", "birthdate", "gender", "telecom", "phone", "email"]);
  });
});
