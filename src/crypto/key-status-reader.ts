import { AppError, type Principal } from "../kernel/index.js";
import type { Keyring, KeyStatus } from "./keyring.js";

/** What an administrator sees of the keys: ids, dates and counts, never key material (ENC-3). */
export interface AdministratorKeyStatus extends KeyStatus {
  /** The active KEK's creation date when it replaced an earlier one (a KEK rotation happened), else undefined. */
  lastRotationAt: Date | undefined;
  pendingRewrap: number;
  retiredKeks: number;
  masterKeyIdsInUse: string[];
}

/** One reading of the key status, allowed or not; main.ts writes it to the audit trail (crypto sits below audit). */
export interface KeyStatusReadEvent {
  principal: Principal;
  outcome: "success" | "denied";
  reasonCode: string;
}

export interface KeyStatusReaderDeps {
  keyring: Pick<Keyring, "keyStatus">;
  /** Asks the access policy whether the principal may see the key status (Cedar action `read_key_status`). */
  mayReadKeyStatus: (principal: Principal) => { allowed: boolean; reasonCode: string };
  /** Records the reading durably; the status is answered only after it resolves. */
  onRead: (event: KeyStatusReadEvent) => Promise<void>;
}

/** The administrator's view of the key hierarchy, authorized and audited per call (principal first). */
export function createKeyStatusReader(deps: KeyStatusReaderDeps) {
  return {
    /**
     * The master key id, active KEK and its date, rotation and re-wrap state.
     * @throws {AppError} `access.denied` unless the policy allows `read_key_status`.
     */
    async read(principal: Principal): Promise<AdministratorKeyStatus> {
      const decision = deps.mayReadKeyStatus(principal);
      if (!decision.allowed) {
        await deps.onRead({ principal, outcome: "denied", reasonCode: decision.reasonCode });
        throw new AppError("access.denied", { detail: decision.reasonCode });
      }
      const status = await deps.keyring.keyStatus();
      await deps.onRead({ principal, outcome: "success", reasonCode: decision.reasonCode });
      return {
        kmsKind: status.kmsKind,
        masterKeyId: status.masterKeyId,
        kekId: status.kekId,
        kekCreatedAt: status.kekCreatedAt,
        lastRotationAt: status.retiredKeks > 0 ? status.kekCreatedAt : undefined,
        pendingRewrap: status.pendingRewrap,
        retiredKeks: status.retiredKeks,
        masterKeyIdsInUse: status.masterKeyIdsInUse,
      };
    },
  };
}

export type KeyStatusReader = ReturnType<typeof createKeyStatusReader>;
