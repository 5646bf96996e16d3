import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../../db/index.js";
import type { Clock } from "../../kernel/index.js";
import { createMfaStore } from "./store.js";

/** How many codes one set holds (AUTH-7: enough for the rare day without the phone). */
export const recoveryCodeCount = 10;

// Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand is not misread.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 80 random bits as 16 base32 characters, shown as four groups of four. */
function newCode(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let text = "";
  for (let i = 0; i < 16; i += 1) {
    text = alphabet[Number(bits & 31n)]! + text;
    bits >>= 5n;
  }
  return text.match(/.{4}/g)!.join("-");
}

/** What a person typed, as the code it most likely is: case, spaces and hyphens ignored, O→0 and I/L→1. */
export function normaliseRecoveryCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

/**
 * Plain SHA-256 is enough here, unlike for passwords: each code carries 80 random bits, so a stolen table cannot
 * be reversed by guessing (2^80 tries per code), and a slow hash would only slow down sign-in.
 */
function hashCode(normalised: string): Buffer {
  return createHash("sha256").update(`mamori-recovery-code:${normalised}`, "utf8").digest();
}

/**
 * Recovery codes (AUTH-7): single-use codes that stand in for the second factor when the authenticator is lost.
 * Shown once when issued; only their hashes are kept.
 */
export function createRecoveryCodes(deps: { db: Database; clock: Clock }) {
  const store = () => createMfaStore(deps.db.kysely);
  return {
    /** Issues a new set and withdraws the old one; the codes are returned once, never stored in clear. */
    async issue(accountId: string): Promise<string[]> {
      const codes = Array.from({ length: recoveryCodeCount }, newCode);
      const hashes = codes.map((code) => hashCode(normaliseRecoveryCode(code)));
      // One transaction: two regenerations at once leave one set of ten, never twenty.
      await deps.db.kysely.transaction().execute(async (trx) => {
        const tx = createMfaStore(trx);
        await tx.lockAccount(accountId);
        await tx.replaceRecoveryCodes(accountId, hashes, deps.clock.now());
      });
      return codes;
    },
    /** Uses a code; true once per code. */
    async redeem(accountId: string, input: string): Promise<boolean> {
      const normalised = normaliseRecoveryCode(input);
      if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(normalised)) return false;
      return store().useRecoveryCode(accountId, hashCode(normalised), deps.clock.now());
    },
    remaining: (accountId: string) => store().countUnusedRecoveryCodes(accountId),
  };
}

export type RecoveryCodes = ReturnType<typeof createRecoveryCodes>;
