import type { Keyring } from "../crypto/index.js";

export type BreakGlassField = "reason" | "note";

/** Binds a sealed text to its grant and field, so a value copied to another row or field does not decrypt. */
const contextOf = (grantId: string, field: BreakGlassField) => `access:break-glass:${grantId}:${field}`;

/**
 * The free text of a break-glass grant (the clinician's reason, the security officer's review note), which may
 * describe the patient's condition, sealed before it is stored. Under the system data key rather than the
 * patient's: the grant and its review are the accountability record of an access, and must stay reviewable, like
 * the audit trail, after the patient's records are crypto-shredded (docs/data-at-rest.md).
 */
export function createBreakGlassText(keyring: Keyring) {
  return {
    /** The text encrypted for one field of one grant. */
    seal(grantId: string, field: BreakGlassField, text: string): Promise<Buffer> {
      return keyring.encrypt(keyring.systemDataKeyId(), Buffer.from(text, "utf8"), contextOf(grantId, field));
    },

    /**
     * The text of a stored field; `isSealed` false reads a value written before encryption (migration 0023).
     * @throws {AppError} `crypto.integrity` when the value was altered or moved, `crypto.key_unavailable`.
     */
    async open(grantId: string, field: BreakGlassField, stored: Buffer, isSealed: boolean): Promise<string> {
      if (!isSealed) return stored.toString("utf8");
      return (await keyring.decrypt(stored, contextOf(grantId, field))).toString("utf8");
    },
  };
}
