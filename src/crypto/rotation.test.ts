import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Database } from "../db/index.js";
import { createManualClock } from "../kernel/index.js";
import { buildPatient, openTestDatabase, startTestApp, type TestApp } from "../testing/index.js";
import { createKeyring, openLocalKeyFile, rewrapDataKeys, rewrapKeks, rotateKek, rotateLocalKeyFile, type KeyEvent } from "./index.js";

// KEY-2 (key management: periodic key renewal without stopping the service; 3省2ガイドライン, 安全管理ガイドライン 13.2).
describe("key rotation while requests run", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });

  it("rotates the KEK and the master key under concurrent HTTPS reads and writes with no failed request", async () => {
    const doctor = await app.signedInUser("doctor");
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const created = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: String(1000 + i) }), { contentType: "application/fhir+json" });
      assert.equal(created.status, 201, created.text);
      ids.push(created.json.id as string);
    }
    const before = app.mamori.keyring.status();
    const failures: string[] = [];
    let requests = 0;
    let running = true;
    const worker = async (n: number) => {
      for (let i = 0; running; i += 1) {
        const response =
          i % 5 === 4
            ? await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: String(9000 + n) }), { contentType: "application/fhir+json" })
            : await doctor.client.get(`/fhir/R4/Patient/${ids[(n + i) % ids.length]}`);
        requests += 1;
        if (response.status !== 200 && response.status !== 201) failures.push(`${response.status} ${response.text}`);
        else if (response.status === 201) ids.push(response.json.id as string);
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    const waitForRequests = async (count: number) => {
      while (requests < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await waitForRequests(8);
    const atStart = requests;
    const events: KeyEvent[] = [];
    const kms = await openLocalKeyFile(app.config.masterKeyFile);
    const progress: number[] = [];
    const rotated = await rotateKek({ db: app.mamori.db, kms, clock: createManualClock(), pageSize: 3, onEvent: async (event) => void events.push(event), onProgress: (p) => progress.push(p.done) });
    await rotateLocalKeyFile(app.config.masterKeyFile);
    await rewrapKeks({ db: app.mamori.db, kms: await openLocalKeyFile(app.config.masterKeyFile), clock: createManualClock(), onEvent: async (event) => void events.push(event) });
    const atEnd = requests;
    await waitForRequests(atEnd + 8);
    running = false;
    await Promise.all(workers);

    assert.deepEqual(failures, []);
    assert.ok(atEnd > atStart, "requests completed while the rotation ran");
    assert.ok(progress.length > 1, "the re-wrap ran in several pages");
    const status = await app.mamori.keyring.keyStatus();
    assert.equal(status.kekId, rotated.newKekId);
    assert.notEqual(status.kekId, before.kekId);
    assert.equal(status.pendingRewrap, 0, "data keys created during the rotation landed under the new KEK or were re-wrapped");
    assert.equal(status.masterKeyIdsInUse.length, 1);
    assert.deepEqual(events.map((event) => event.action), ["crypto.kek_rotate", "crypto.data_keys_rewrapped", "crypto.master_key_rewrap"]);
    for (const id of ids) assert.equal((await doctor.client.get(`/fhir/R4/Patient/${id}`)).status, 200);
  });
});

describe("rewrapDataKeys", () => {
  let dir: string;
  let db: Database;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-rotation-"));
    db = await openTestDatabase();
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("resumes an interrupted re-wrap where it stopped and every value still decrypts", async () => {
    const keyFile = path.join(dir, "master.key");
    const clock = createManualClock();
    const keyring = await createKeyring({ db, kms: await openLocalKeyFile(keyFile), clock });
    const sealed = [];
    for (let i = 0; i < 40; i += 1) {
      const keyId = await keyring.createDataKey("patient");
      sealed.push(await keyring.encrypt(keyId, Buffer.from(`value ${i}`), `ctx:${i}`));
    }
    const controller = new AbortController();
    await assert.rejects(
      rotateKek({ db, kms: await openLocalKeyFile(keyFile), clock, pageSize: 10, signal: controller.signal, onProgress: () => controller.abort() }),
      /interrupted/,
    );
    const halfway = await keyring.keyStatus();
    assert.ok(halfway.pendingRewrap > 0 && halfway.pendingRewrap < 42, `pending ${halfway.pendingRewrap}`);
    const resumed = await rewrapDataKeys({ db, kms: await openLocalKeyFile(keyFile), clock, pageSize: 10 });
    assert.equal(resumed, halfway.pendingRewrap);
    assert.equal((await keyring.keyStatus()).pendingRewrap, 0);
    const fresh = await createKeyring({ db, kms: await openLocalKeyFile(keyFile), clock });
    for (const [i, value] of sealed.entries()) assert.equal((await fresh.decrypt(value, `ctx:${i}`)).toString(), `value ${i}`);
  });
});
