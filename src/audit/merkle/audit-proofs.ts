import type { AccessInclusionProof, AuditPublicKeys, SignedTreeHead, TreeConsistencyProof } from "../../../shared/api/audit-proofs.js";
import type { Keyring } from "../../crypto/index.js";
import type { Database } from "../../db/index.js";
import { AppError, type Clock, type Principal } from "../../kernel/index.js";
import { actorOf } from "../actor.js";
import type { PatientHistory } from "../patient-history.js";
import { trustedDatabaseKeys } from "../signing-key.js";
import type { AuditWriter } from "../writer.js";
import { createMerkleLog } from "./merkle-log.js";
import { createMerkleStore } from "./merkle-store.js";
import type { TreeHead } from "./tree-head.js";

/** Where the public keys are published (an unauthenticated route). */
export const auditKeysPath = "/.well-known/mamori-audit-keys";

/**
 * Proofs over the audit trail's signed Merkle tree: for the patient, that an access to their record is in the
 * signed trail; for the auditor, that a later tree head extends an earlier one; and the public keys to check them.
 */
export function createAuditProofs(deps: {
  db: Database;
  clock: Clock;
  keyring: Keyring;
  audit: Pick<AuditWriter, "record">;
  patientHistory: Pick<PatientHistory, "ownEntry">;
  /** Asks the access policy whether the principal may read the audit trail (Cedar action `read_audit`). */
  mayReadAudit: (principal: Principal) => { allowed: boolean; reasonCode: string };
}) {
  const log = createMerkleLog(deps);

  return {
    /**
     * The inclusion proof of one access in the patient's own history against the latest signed tree head.
     * @throws {AppError} `access.denied`, `audit.entry_not_found` (not an access to this patient's record), `audit.proof_pending`.
     */
    async accessProof(principal: Principal, seq: number): Promise<AccessInclusionProof> {
      const entry = { action: "audit.access_proof", actor: actorOf(principal), resource: { type: "AuditEntry", id: String(seq) }, patientId: principal.patientId, network: principal.network };
      let access;
      try {
        access = await deps.patientHistory.ownEntry(principal, seq);
      } catch (error) {
        if (error instanceof AppError) await deps.audit.record({ ...entry, outcome: "denied", reasonCode: error.code === "access.denied" ? (error.detail ?? error.code) : error.code });
        throw error;
      }
      const head = await log.latestTreeHead();
      if (!head || head.treeSize < seq) throw new AppError("audit.proof_pending");
      // The leaf is the hash the signed checkpoint holds, so the proof holds even after the entry row is purged.
      const [entryHash] = await createMerkleStore(deps.db.kysely).leafEntryHashes(seq - 1, seq);
      const auditPath = await log.inclusionProof(seq, head.treeSize);
      await deps.audit.record({ ...entry, outcome: "success" });
      return {
        format: "mamori-audit-inclusion-proof-v1",
        access,
        leafIndex: seq - 1,
        entryHash: entryHash!.toString("hex"),
        auditPath: auditPath.map((hash) => hash.toString("hex")),
        treeHead: toJson(head),
        keysUrl: auditKeysPath,
      };
    },

    /**
     * The consistency proof between two signed tree heads (the second defaults to the latest).
     * @throws {AppError} `access.denied`, `audit.tree_head_not_found`, `audit.invalid_filter` (first after second).
     */
    async consistency(principal: Principal, first: number, second: number | undefined): Promise<TreeConsistencyProof> {
      const decision = deps.mayReadAudit(principal);
      const entry = { action: "audit.consistency_proof", reasonCode: decision.reasonCode, actor: actorOf(principal), resource: { type: "AuditTreeHead", id: `${first}-${second ?? "latest"}` }, network: principal.network };
      if (!decision.allowed) {
        await deps.audit.record({ ...entry, outcome: "denied" });
        throw new AppError("access.denied", { detail: decision.reasonCode });
      }
      const firstHead = await log.treeHead(first);
      const secondHead = second === undefined ? await log.latestTreeHead() : await log.treeHead(second);
      if (!firstHead || !secondHead) throw new AppError("audit.tree_head_not_found");
      if (firstHead.treeSize > secondHead.treeSize) throw new AppError("audit.invalid_filter", { expression: ["first"] });
      const proof = await log.consistencyProof(firstHead.treeSize, secondHead.treeSize);
      await deps.audit.record({ ...entry, outcome: "success" });
      return { format: "mamori-audit-consistency-proof-v1", first: toJson(firstHead), second: toJson(secondHead), proof: proof.map((hash) => hash.toString("hex")) };
    },

    /** The public halves of the signing keys our keyring vouches for; a key row planted in the database is not published. */
    async publicKeys(): Promise<AuditPublicKeys> {
      const trusted = await trustedDatabaseKeys(deps);
      return {
        keys: [...trusted].map(([keyId, key]) => ({ keyId, algorithm: "Ed25519" as const, publicKey: key.export({ format: "der", type: "spki" }).toString("base64") })),
      };
    },
  };
}

export type AuditProofs = ReturnType<typeof createAuditProofs>;

function toJson(head: TreeHead): SignedTreeHead {
  return { treeSize: head.treeSize, rootHash: head.rootHash.toString("hex"), signedAt: head.signedAt, keyId: head.keyId, signature: head.signature.toString("base64") };
}
