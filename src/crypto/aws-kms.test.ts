import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Database } from "../db/index.js";
import { createManualClock } from "../kernel/index.js";
import { openTestDatabase } from "../testing/index.js";
import { startFakeAwsKms } from "../testing/fake-aws-kms.js";
import { createKeyring } from "./index.js";
import { openAwsKms } from "./aws-kms.js";

const keyId = "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "test-only-not-a-secret" };

// KEY-1: the master key in AWS KMS (tested against a local fake at the HTTP level only).
describe("openAwsKms", () => {
  let fake: Awaited<ReturnType<typeof startFakeAwsKms>>;
  let db: Database;
  before(async () => {
    fake = await startFakeAwsKms([keyId]);
    db = await openTestDatabase();
  });
  after(async () => {
    await db.close();
    await fake.close();
  });

  it("wraps and unwraps KEKs through signed Encrypt/Decrypt calls, bound to their context", async () => {
    const kms = openAwsKms({ keyId, region: "ap-northeast-1", endpoint: fake.endpoint, credentials });
    const keyring = await createKeyring({ db, kms, clock: createManualClock() });
    const dataKey = await keyring.createDataKey("patient");
    const sealed = await keyring.encrypt(dataKey, Buffer.from("山田"), "ctx");
    const reopened = await createKeyring({ db, kms: openAwsKms({ keyId, region: "ap-northeast-1", endpoint: fake.endpoint, credentials }), clock: createManualClock() });
    assert.equal((await reopened.decrypt(sealed, "ctx")).toString(), "山田");
    assert.ok(fake.requests.includes("TrentService.Encrypt") && fake.requests.includes("TrentService.Decrypt"));
    const wrapped = await kms.wrap(Buffer.alloc(32, 1), "kek-a");
    await assert.rejects(kms.unwrap(keyId, wrapped, "kek-b"));
    assert.equal(reopened.status().kmsKind, "aws-kms");
  });
});
