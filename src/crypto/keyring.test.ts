import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Database } from "../db/index.js";
import { createManualClock, isAppError } from "../kernel/index.js";
import { openTestDatabase } from "../testing/index.js";
import { createKeyring, openLocalKeyFile, type Keyring } from "./index.js";

// ENC-2: stored medical information is encrypted, with keys kept apart from the data.
describe("keyring", () => {
  let dir: string;
  let db: Database;
  let keyring: Keyring;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-keyring-"));
    db = await openTestDatabase();
    keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock: createManualClock() });
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates the master key file readable by its owner only", async () => {
    const info = await stat(path.join(dir, "master.key"));
    assert.equal(info.mode & 0o777, 0o600);
  });

  it("round-trips data through AES-256-GCM under a data key", async () => {
    const keyId = await keyring.createDataKey("patient");
    const sealed = await keyring.encrypt(keyId, Buffer.from("山田太郎"), "fhir:Patient/x/_history/1");
    assert.equal(sealed.includes(Buffer.from("山田太郎")), false);
    assert.equal((await keyring.decrypt(sealed, "fhir:Patient/x/_history/1")).toString(), "山田太郎");
  });

  it("refuses a value moved to another place (context bound as associated data)", async () => {
    const keyId = await keyring.createDataKey("patient");
    const sealed = await keyring.encrypt(keyId, Buffer.from("secret"), "fhir:Patient/a/_history/1");
    await assert.rejects(keyring.decrypt(sealed, "fhir:Patient/b/_history/1"), (error) => isAppError(error, "crypto.integrity"));
  });

  it("refuses a value with one byte changed", async () => {
    const keyId = await keyring.createDataKey("patient");
    const sealed = await keyring.encrypt(keyId, Buffer.from("secret"), "ctx");
    sealed[sealed.length - 1]! ^= 0x01;
    await assert.rejects(keyring.decrypt(sealed, "ctx"), (error) => isAppError(error, "crypto.integrity"));
  });

  it("reopens with the same master key and reads what it wrote", async () => {
    const keyId = await keyring.createDataKey("patient");
    const sealed = await keyring.encrypt(keyId, Buffer.from("kept"), "ctx");
    const reopened = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock: createManualClock() });
    assert.equal((await reopened.decrypt(sealed, "ctx")).toString(), "kept");
    assert.equal(reopened.status().kekId, keyring.status().kekId);
    assert.equal(reopened.systemDataKeyId(), keyring.systemDataKeyId());
  });

  it("cannot open the keys with a different master key file", async () => {
    await assert.rejects(createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "other.key")), clock: createManualClock() }));
  });

  it("refuses a master key file that other users may read", async () => {
    const loose = path.join(dir, "loose.key");
    await writeFile(loose, await readFile(path.join(dir, "master.key")));
    await chmod(loose, 0o644);
    await assert.rejects(openLocalKeyFile(loose), /chmod 600/);
  });

  it("computes blind indexes that are stable and keyed", async () => {
    assert.deepEqual(keyring.blindIndex("name", "やまだ"), keyring.blindIndex("name", "やまだ"));
    assert.notDeepEqual(keyring.blindIndex("name", "やまだ"), keyring.blindIndex("family", "やまだ"));
  });
});
