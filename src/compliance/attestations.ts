import { randomUUID, sign, verify } from "node:crypto";
import type { AccessAction, AccessSubject, AccessTarget, Decision } from "../access/index.js";
import { actorOf, type Audit } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import { AppError, type Clock, type Principal } from "../kernel/index.js";
import type { Control } from "./catalogue.js";
import { loadAttestationKey, trustedAttestationKeys } from "./signing-key.js";
import type { AttestationRow, ComplianceStore } from "./store.js";

/** An attestation as the report shows it: whether its signature verifies and whether it is still in force. */
export interface AttestationView {
  id: string;
  controlId: string;
  statement: string;
  attestedBy: string;
  /** The security officer's display name, named in the report (ORG-1). */
  attestedByName: string | undefined;
  attestedAt: string;
  expiresAt: string;
  keyId: string;
  signature: string;
  signatureValid: boolean;
  expired: boolean;
}

const maxValidDays = 3 * 366;

/** The signed bytes: every field a reader relies on, in a fixed order. */
function signedBytes(row: Omit<AttestationRow, "signature">): Buffer {
  return Buffer.from(JSON.stringify(["mamori-attestation-v1", row.id, row.controlId, row.statement, row.attestedBy, row.attestedAt.toISOString(), row.expiresAt.toISOString(), row.keyId]), "utf8");
}

/** Signed, expiring attestations of operational and organisational controls by a security officer. */
export function createAttestations(deps: {
  store: ComplianceStore;
  keyring: Keyring;
  audit: Pick<Audit, "record">;
  clock: Clock;
  catalogue: readonly Control[];
  decide: (subject: AccessSubject, action: AccessAction, target: AccessTarget) => Decision;
}) {
  return {
    /**
     * Records and signs an attestation; Cedar action `attest_control`, audited as `compliance.attest`.
     * @throws {AppError} `access.denied`, `compliance.unknown_control`, `compliance.not_attestable`, `compliance.invalid_attestation`.
     */
    async attest(principal: Principal, input: { controlId: string; statement: string; validDays: number }): Promise<AttestationView> {
      const decision = deps.decide(principal, "attest_control", { type: "System" });
      const auditEntry = (outcome: "success" | "denied" | "failure", reasonCode: string) =>
        deps.audit.record({ action: "compliance.attest", outcome, reasonCode, actor: actorOf(principal), resource: { type: "Control", id: input.controlId }, network: principal.network });
      if (!decision.allowed) {
        await auditEntry("denied", decision.reasonCode);
        throw new AppError("access.denied", { detail: decision.reasonCode });
      }
      const control = deps.catalogue.find((candidate) => candidate.id === input.controlId);
      if (!control) throw new AppError("compliance.unknown_control");
      if (!control.attestation) throw new AppError("compliance.not_attestable");
      const statement = input.statement.trim();
      if (statement.length === 0 || statement.length > 2000 || !Number.isInteger(input.validDays) || input.validDays < 1 || input.validDays > maxValidDays) {
        throw new AppError("compliance.invalid_attestation");
      }
      const key = await loadAttestationKey(deps);
      const attestedAt = deps.clock.now();
      const unsigned = { id: randomUUID(), controlId: control.id, statement, attestedBy: principal.accountId, attestedAt, expiresAt: new Date(attestedAt.getTime() + input.validDays * 86_400_000), keyId: key.id };
      const row: AttestationRow = { ...unsigned, signature: sign(null, signedBytes(unsigned), key.privateKey) };
      // Durable audit entry first: an attestation that is not in the trail must not exist.
      await auditEntry("success", "compliance.attested");
      await deps.store.insertAttestation(row);
      return (await this.latest()).find((view) => view.id === row.id)!;
    },
    /** The newest attestation of each control, each with its signature verified against our trusted keys. */
    async latest(): Promise<AttestationView[]> {
      const trusted = await trustedAttestationKeys(deps);
      const now = deps.clock.now().getTime();
      const views: AttestationView[] = [];
      for (const row of await deps.store.latestAttestations()) {
        const key = trusted.get(row.keyId);
        const signatureValid = key !== undefined && verify(null, signedBytes(row), key, row.signature);
        views.push({
          id: row.id,
          controlId: row.controlId,
          statement: row.statement,
          attestedBy: row.attestedBy,
          attestedByName: await deps.store.displayNameOf(row.attestedBy),
          attestedAt: row.attestedAt.toISOString(),
          expiresAt: row.expiresAt.toISOString(),
          keyId: row.keyId,
          signature: row.signature.toString("base64"),
          signatureValid,
          expired: row.expiresAt.getTime() <= now,
        });
      }
      return views;
    },
  };
}

export type Attestations = ReturnType<typeof createAttestations>;
