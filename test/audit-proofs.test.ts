import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { verifyConsistency } from "../src/audit/merkle/tree.js";
import { createManualClock } from "../src/kernel/index.js";
import { createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const run = promisify(execFile);

type Proof = {
  access: { seq: number; at: string };
  leafIndex: number;
  entryHash: string;
  auditPath: string[];
  treeHead: { treeSize: number; rootHash: string; signedAt: string; keyId: string; signature: string };
};

// The patient can prove, offline, that an access to their record is in the signed audit trail; nobody gets a proof
// about another patient's entries, and the published verifier refuses any altered proof.
describe("audit proofs: the patient's access proof, the auditor's consistency proof, the published keys", () => {
  const clock = createManualClock();
  let app: TestApp;
  let doctor: SignedInUser;
  let dir: string;
  let verifierPath: string;
  before(async () => {
    app = await startTestApp({ clock });
    doctor = await app.signedInUser("doctor");
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-proof-"));
    // The verifier as published by the service, downloaded without a session like anyone would.
    const published = await app.client().get("/verify-audit-proof.mjs");
    assert.equal(published.status, 200);
    assert.ok(String(published.headers["content-type"]).startsWith("text/javascript"));
    verifierPath = path.join(dir, "verify-audit-proof.mjs");
    await writeFile(verifierPath, published.text);
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the published verifier as its own process; exit code and output. */
  async function verifyOffline(proof: unknown, keys: unknown): Promise<{ code: number; output: string }> {
    const proofFile = path.join(dir, `${randomUUID()}.json`);
    const keysFile = path.join(dir, `${randomUUID()}.json`);
    await writeFile(proofFile, JSON.stringify(proof));
    await writeFile(keysFile, JSON.stringify(keys));
    try {
      const { stdout } = await run(process.execPath, [verifierPath, proofFile, keysFile]);
      return { code: 0, output: stdout };
    } catch (error) {
      const failed = error as { code: number; stderr: string };
      return { code: failed.code, output: failed.stderr };
    }
  }

  async function patientWithHistory() {
    const patientId = await createPatient(doctor);
    await doctor.client.get(`/fhir/R4/Patient/${patientId}`);
    const patient = await app.signedInPatient(doctor, patientId);
    return { patientId, patient };
  }

  it("gives the patient a proof of each access that the offline verifier accepts, and rejects every altered one", async () => {
    const { patient } = await patientWithHistory();
    await app.mamori.audit.checkpointNow();
    const items = (await patient.client.get("/api/me/access-history")).json.items as Array<{ seq: number; at: string }>;
    const keysResponse = await app.client().get("/.well-known/mamori-audit-keys");
    assert.equal(keysResponse.status, 200);
    const keys = keysResponse.json;

    const response = await patient.client.get(`/api/me/access-history/${items[0]!.seq}/proof`);
    assert.equal(response.status, 200);
    const proof = response.json as Proof;
    assert.deepEqual(proof.access, items[0]);
    const accepted = await verifyOffline(proof, keys);
    assert.equal(accepted.code, 0, accepted.output);
    assert.ok(accepted.output.startsWith(`OK: entry ${items[0]!.seq} `));
    // Only the entry number is bound to the proof: the verifier neither prints the access's time nor vouches for it.
    assert.ok(!accepted.output.includes(`entry ${items[0]!.seq} (${items[0]!.at})`), accepted.output);
    assert.match(accepted.output, /not part of the proof/);
    // The proof reveals hashes only: not the staff member's account, address or session the history keeps back.
    assert.deepEqual(Object.keys(proof).sort(), ["access", "auditPath", "entryHash", "format", "keysUrl", "leafIndex", "treeHead"]);
    assert.ok(!response.text.includes(doctor.accountId));

    const flip = (hex: string) => `${hex.slice(0, 63)}${hex.at(63) === "0" ? "1" : "0"}`;
    const tampered: Array<[string, unknown]> = [
      ["entry hash", { ...proof, entryHash: flip(proof.entryHash) }],
      ["sibling", { ...proof, auditPath: proof.auditPath.map((hash, i) => (i === 0 ? flip(hash) : hash)) }],
      ["shortened path", { ...proof, auditPath: proof.auditPath.slice(1) }],
      ["root", { ...proof, treeHead: { ...proof.treeHead, rootHash: flip(proof.treeHead.rootHash) } }],
      ["tree size", { ...proof, treeHead: { ...proof.treeHead, treeSize: proof.treeHead.treeSize + 1 } }],
      ["signing time", { ...proof, treeHead: { ...proof.treeHead, signedAt: "2001-01-01T00:00:00.000Z" } }],
      ["another entry's number", { ...proof, access: { ...proof.access, seq: proof.access.seq - 1 }, leafIndex: proof.leafIndex - 1 }],
      ["access moved to another entry", { ...proof, access: { ...proof.access, seq: proof.access.seq - 1 } }],
    ];
    for (const [what, altered] of tampered) {
      const rejected = await verifyOffline(altered, keys);
      assert.equal(rejected.code, 1, `${what}: ${rejected.output}`);
      assert.ok(rejected.output.startsWith("INVALID: "), what);
    }
    // A tree head signed by a key of the forger's own, with that key offered beside it, is not one of the published keys.
    const forger = generateKeyPairSync("ed25519");
    const forgedKeys = { keys: [{ keyId: proof.treeHead.keyId, algorithm: "Ed25519", publicKey: forger.publicKey.export({ format: "der", type: "spki" }).toString("base64") }] };
    assert.equal((await verifyOffline(proof, forgedKeys)).code, 1);
  });

  it("answers not found for an entry that is not an access to the patient's own record, and refuses staff", async () => {
    const { patient } = await patientWithHistory();
    const { patient: other } = await patientWithHistory();
    await app.mamori.audit.checkpointNow();
    const otherSeq = ((await other.client.get("/api/me/access-history")).json.items as Array<{ seq: number }>)[0]!.seq;
    assert.equal((await patient.client.get(`/api/me/access-history/${otherSeq}/proof`)).status, 404);
    // Entry 1 is the first administrator's setup, about no patient.
    assert.equal((await patient.client.get("/api/me/access-history/1/proof")).status, 404);
    assert.equal((await patient.client.get("/api/me/access-history/999999999/proof")).status, 404);
    assert.equal((await doctor.client.get(`/api/me/access-history/${otherSeq}/proof`)).status, 403);
  });

  it("asks the patient to wait for an access newer than the latest signed tree head", async () => {
    const { patient, patientId } = await patientWithHistory();
    await app.mamori.audit.checkpointNow();
    await doctor.client.get(`/fhir/R4/Patient/${patientId}`);
    await app.mamori.audit.flush();
    const newest = ((await patient.client.get("/api/me/access-history")).json.items as Array<{ seq: number }>)[0]!.seq;
    assert.equal((await patient.client.get(`/api/me/access-history/${newest}/proof`)).status, 409);
    await app.mamori.audit.checkpointNow();
    assert.equal((await patient.client.get(`/api/me/access-history/${newest}/proof`)).status, 200);
  });

  it("gives the security officer consistency proofs between tree heads, and nobody else", async () => {
    await app.mamori.audit.checkpointNow();
    const officer = await app.signedInUser("security_officer");
    const first = (await officer.client.get("/api/me/access-history/1/proof")).status;
    assert.equal(first, 403);
    await patientWithHistory();
    await app.mamori.audit.checkpointNow();
    const heads = await app.mamori.db.kysely.withTables<{ audit_tree_head: { tree_size: number } }>().selectFrom("audit_tree_head").select("tree_size").orderBy("tree_size").execute();
    const sizes = heads.map((row) => Number(row.tree_size));
    assert.ok(sizes.length >= 2);
    const response = await officer.client.get(`/api/audit/tree-heads/consistency?first=${sizes[0]}`);
    assert.equal(response.status, 200);
    const body = response.json as { first: Proof["treeHead"]; second: Proof["treeHead"]; proof: string[] };
    assert.equal(body.second.treeSize, sizes.at(-1));
    const hex = (value: string) => Buffer.from(value, "hex");
    assert.equal(verifyConsistency(body.first.treeSize, body.second.treeSize, hex(body.first.rootHash), hex(body.second.rootHash), body.proof.map(hex)), true);
    assert.equal((await officer.client.get(`/api/audit/tree-heads/consistency?first=${sizes[0]! + 1}`)).status, 404);
    assert.equal((await doctor.client.get(`/api/audit/tree-heads/consistency?first=${sizes[0]}`)).status, 403);
  });

  it("publishes only the signing keys the keyring vouches for, not a key row planted in the database", async () => {
    const planted = generateKeyPairSync("ed25519");
    const plantedId = randomUUID();
    await app.mamori.db.kysely
      .withTables<{ audit_signing_key: { id: string; public_key: Uint8Array; private_key: Uint8Array; created_at: Date } }>()
      .insertInto("audit_signing_key")
      .values({ id: plantedId, public_key: planted.publicKey.export({ format: "der", type: "spki" }), private_key: Buffer.from("not sealed by our keyring"), created_at: new Date() })
      .execute();
    const keys = (await app.client().get("/.well-known/mamori-audit-keys")).json.keys as Array<{ keyId: string }>;
    assert.ok(keys.length >= 1);
    assert.ok(!keys.some((key) => key.keyId === plantedId));
  });
});
