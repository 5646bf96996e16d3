import { randomUUID, sign, verify, type KeyObject } from "node:crypto";
import type { AccessAction, AccessSubject, AccessTarget, Decision, DecisionContext } from "../access/index.js";
import { actorOf, type Audit } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import { AppError, type Clock, type Principal } from "../kernel/index.js";
import type { Control } from "./catalogue.js";
import { loadAttestationKey, trustedAttestationKeys } from "./signing-key.js";
import type { AttestationRow, ComplianceStore } from "./store.js";

/**
 * Where an attestation stands: `approved` by a second person (it counts while in force), `pending` approval (it does
 * not count yet), or `undocumented` (recorded before attestations named their document; it never counts).
 */
export type AttestationState = "approved" | "pending" | "undocumented";

/** An attestation as the report shows it: whether its signatures verify and whether it is still in force. */
export interface AttestationView {
  id: string;
  controlId: string;
  statement: string;
  /** The document the statement rests on (title, and its reference such as a file number or version). */
  document: { title: string; reference: string } | null;
  attestedBy: string;
  /** The attesting security officer's display name, printed in the report and the disclosure. */
  attestedByName: string | undefined;
  attestedAt: string;
  expiresAt: string;
  keyId: string;
  signature: string;
  signatureValid: boolean;
  expired: boolean;
  state: AttestationState;
  approvedBy: string | null;
  approvedByName: string | undefined;
  approvedAt: string | null;
  /** The approval's signature verifies and the approver is not the attester; false when there is no approval. */
  approvalValid: boolean;
}

const maxValidDays = 3 * 366;
const maxDocumentTitle = 200;
const maxDocumentReference = 200;

type Unsigned = Omit<AttestationRow, "signature" | "approval">;

/**
 * The signed bytes: every field a reader relies on, in a fixed order. Attestations recorded before documents were
 * required were signed without one (v1) and still verify as what they are.
 */
function signedBytes(row: Unsigned): Buffer {
  const common = [row.id, row.controlId, row.statement, row.attestedBy, row.attestedAt.toISOString(), row.expiresAt.toISOString(), row.keyId];
  const fields = row.document === null ? ["mamori-attestation-v1", ...common] : ["mamori-attestation-v2", ...common, row.document.title, row.document.reference];
  return Buffer.from(JSON.stringify(fields), "utf8");
}

/** The approval's signed bytes bind the approver to this attestation's own signature, so to its every field. */
function approvalBytes(row: Pick<AttestationRow, "id" | "signature">, approval: { approvedBy: string; approvedAt: Date; keyId: string }): Buffer {
  return Buffer.from(JSON.stringify(["mamori-attestation-approval-v1", row.id, row.signature.toString("base64"), approval.approvedBy, approval.approvedAt.toISOString(), approval.keyId]), "utf8");
}

function isApprovalValid(row: AttestationRow, trusted: ReadonlyMap<string, KeyObject>): boolean {
  const approval = row.approval;
  if (!approval || approval.approvedBy === row.attestedBy) return false;
  const key = trusted.get(approval.keyId);
  return key !== undefined && verify(null, approvalBytes(row, approval), key, approval.signature);
}

/**
 * Signed, expiring attestations of operational and organisational controls. A security officer attests, naming the
 * document the statement rests on; the attestation counts only when a different account (another security officer
 * or an administrator) has approved it, so no single insider can turn a control from 非対応 into 対応.
 */
export function createAttestations(deps: {
  store: ComplianceStore;
  keyring: Keyring;
  audit: Pick<Audit, "record">;
  clock: Clock;
  catalogue: readonly Control[];
  decide: (subject: AccessSubject, action: AccessAction, target: AccessTarget, context?: DecisionContext) => Decision;
}) {
  async function authorize(principal: Principal, action: AccessAction, auditAction: string, resourceId: string, context?: DecisionContext): Promise<(outcome: "success" | "denied" | "failure", reasonCode: string) => Promise<unknown>> {
    const auditEntry = (outcome: "success" | "denied" | "failure", reasonCode: string) =>
      deps.audit.record({ action: auditAction, outcome, reasonCode, actor: actorOf(principal), resource: { type: "Control", id: resourceId }, network: principal.network });
    const decision = deps.decide(principal, action, { type: "System" }, context);
    if (!decision.allowed) {
      await auditEntry("denied", decision.reasonCode);
      throw decision.reasonCode === "compliance.own_attestation" || decision.reasonCode === "compliance.approver_appointed_attester"
        ? new AppError(decision.reasonCode)
        : new AppError("access.denied", { detail: decision.reasonCode });
    }
    return auditEntry;
  }

  async function view(row: AttestationRow, trusted: ReadonlyMap<string, KeyObject>, now: number): Promise<AttestationView> {
    const key = trusted.get(row.keyId);
    const approvalValid = isApprovalValid(row, trusted);
    return {
      id: row.id,
      controlId: row.controlId,
      statement: row.statement,
      document: row.document,
      attestedBy: row.attestedBy,
      attestedByName: await deps.store.displayNameOf(row.attestedBy),
      attestedAt: row.attestedAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      keyId: row.keyId,
      signature: row.signature.toString("base64"),
      signatureValid: key !== undefined && verify(null, signedBytes(row), key, row.signature),
      expired: row.expiresAt.getTime() <= now,
      state: row.document === null ? "undocumented" : row.approval ? "approved" : "pending",
      approvedBy: row.approval?.approvedBy ?? null,
      approvedByName: row.approval ? await deps.store.displayNameOf(row.approval.approvedBy) : undefined,
      approvedAt: row.approval?.approvedAt.toISOString() ?? null,
      approvalValid,
    };
  }

  return {
    /**
     * Records and signs an attestation naming its document; it waits for a second person's approval. Cedar action
     * `attest_control`, audited as `compliance.attest`.
     * @throws {AppError} `access.denied`, `compliance.unknown_control`, `compliance.not_attestable`, `compliance.invalid_attestation`.
     */
    async attest(principal: Principal, input: { controlId: string; statement: string; validDays: number; document: { title: string; reference?: string | undefined } }): Promise<AttestationView> {
      const auditEntry = await authorize(principal, "attest_control", "compliance.attest", input.controlId);
      const control = deps.catalogue.find((candidate) => candidate.id === input.controlId);
      if (!control) throw new AppError("compliance.unknown_control");
      if (!control.attestation) throw new AppError("compliance.not_attestable");
      const statement = input.statement.trim();
      const document = { title: input.document.title.trim(), reference: (input.document.reference ?? "").trim() };
      const validDocument = document.title.length > 0 && document.title.length <= maxDocumentTitle && document.reference.length <= maxDocumentReference;
      if (statement.length === 0 || statement.length > 2000 || !validDocument || !Number.isInteger(input.validDays) || input.validDays < 1 || input.validDays > maxValidDays) {
        throw new AppError("compliance.invalid_attestation");
      }
      const key = await loadAttestationKey(deps);
      const attestedAt = deps.clock.now();
      const unsigned: Unsigned = { id: randomUUID(), controlId: control.id, statement, document, attestedBy: principal.accountId, attestedAt, expiresAt: new Date(attestedAt.getTime() + input.validDays * 86_400_000), keyId: key.id };
      // Durable audit entry first: an attestation that is not in the trail must not exist.
      await auditEntry("success", "compliance.attested");
      await deps.store.insertAttestation({ ...unsigned, signature: sign(null, signedBytes(unsigned), key.privateKey) });
      return this.byId(unsigned.id);
    },

    /**
     * Approves another person's attestation as a second security officer or administrator (two-person rule); Cedar
     * action `approve_attestation` refuses the attester. Audited as `compliance.attestation_approve`.
     * @throws {AppError} `compliance.own_attestation`, `access.denied`, `compliance.attestation_not_found` (unknown,
     * approved already, expired, undocumented or with a signature that does not verify).
     */
    async approve(principal: Principal, attestationId: string): Promise<AttestationView> {
      const row = await deps.store.attestationById(attestationId);
      if (!row) throw new AppError("compliance.attestation_not_found");
      const auditEntry = await authorize(principal, "approve_attestation", "compliance.attestation_approve", row.controlId, {
        isAttester: principal.accountId === row.attestedBy,
        appointedTogether: await deps.store.appointedTogether(principal.accountId, row.attestedBy),
      });
      // The row already read, verified as the report shows it (not read a second time).
      const current = await view(row, await trustedAttestationKeys(deps), deps.clock.now().getTime());
      if (current.state !== "pending" || current.expired || !current.signatureValid) {
        await auditEntry("failure", "compliance.attestation_not_found");
        throw new AppError("compliance.attestation_not_found");
      }
      const key = await loadAttestationKey(deps);
      const approval = { approvedBy: principal.accountId, approvedAt: deps.clock.now(), keyId: key.id };
      await auditEntry("success", "compliance.dual_approval");
      const approved = await deps.store.approveAttestation(attestationId, { ...approval, signature: sign(null, approvalBytes(row, approval), key.privateKey) });
      if (!approved) throw new AppError("compliance.attestation_not_found");
      return this.byId(attestationId);
    },

    /** One attestation with its signatures verified. @throws {AppError} `compliance.attestation_not_found`. */
    async byId(attestationId: string): Promise<AttestationView> {
      const row = await deps.store.attestationById(attestationId);
      if (!row) throw new AppError("compliance.attestation_not_found");
      return view(row, await trustedAttestationKeys(deps), deps.clock.now().getTime());
    },

    /**
     * Per control, the newest approved attestation and any newer one not approved (a renewal waiting for its
     * approval, or an undocumented one), each with its signatures verified against our trusted keys.
     */
    async latest(): Promise<AttestationView[]> {
      const trusted = await trustedAttestationKeys(deps);
      const now = deps.clock.now().getTime();
      const rows = await deps.store.attestationsNewestFirst();
      const views: AttestationView[] = [];
      for (const controlId of new Set(rows.map((row) => row.controlId))) {
        const own = rows.filter((row) => row.controlId === controlId);
        const approved = own.find((row) => row.approval !== null && row.document !== null);
        // Not approved and not older than the approved one (recorded in the same instant counts as newer): a renewal.
        const newer = own.find((row) => row !== approved && row.approval === null && (!approved || row.attestedAt.getTime() >= approved.attestedAt.getTime()));
        if (approved) views.push(await view(approved, trusted, now));
        if (newer) views.push(await view(newer, trusted, now));
      }
      return views;
    },
  };
}

export type Attestations = ReturnType<typeof createAttestations>;
