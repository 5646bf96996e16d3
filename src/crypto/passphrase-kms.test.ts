import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { openPassphraseKms } from "./passphrase-kms.js";

// KEY-1: master key for air-gapped installs, never stored.
describe("openPassphraseKms", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("wraps with a key derived from the passphrase and refuses a wrong passphrase", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-passphrase-"));
    dirs.push(dir);
    const paramsFile = path.join(dir, "kms.json");
    const kms = await openPassphraseKms({ passphrase: "correct horse battery staple", paramsFile, cost: 2 ** 12 });
    const wrapped = await kms.wrap(Buffer.from("kek bytes"), "k1");
    assert.equal((await readFile(paramsFile, "utf8")).includes("correct horse"), false);
    const reopened = await openPassphraseKms({ passphrase: "correct horse battery staple", paramsFile });
    assert.equal(reopened.masterKeyId, kms.masterKeyId);
    assert.equal((await reopened.unwrap(kms.masterKeyId, wrapped, "k1")).toString(), "kek bytes");
    await assert.rejects(openPassphraseKms({ passphrase: "wrong horse battery staple", paramsFile }), /passphrase is wrong/);
    await assert.rejects(openPassphraseKms({ passphrase: "short", paramsFile }), /at least 16/);
  });
});
