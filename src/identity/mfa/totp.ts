import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import type { Keyring } from "../../crypto/index.js";
import type { Clock } from "../../kernel/index.js";
import type { IdentityStore } from "../store.js";

const period = 30;
const issuer = "Mamori";

/**
 * TOTP second factor (RFC 6238): 160-bit secret kept envelope-encrypted, ±1 time step tolerated for clock drift,
 * and each step usable once so an overheard code cannot be replayed.
 */
export function createTotp(deps: { store: () => IdentityStore; keyring: Keyring; clock: Clock }) {
  const { keyring, clock } = deps;
  const context = (accountId: string) => `identity:totp:${accountId}`;

  async function check(accountId: string, code: string, confirming: boolean): Promise<boolean> {
    const store = deps.store();
    const row = await store.totp(accountId);
    if (!row || (confirming ? row.confirmedAt !== null : row.confirmedAt === null)) return false;
    const secret = (await keyring.decrypt(row.secret, context(accountId))).toString("utf8");
    const epoch = Math.floor(clock.now().getTime() / 1000);
    const result = await verify({ secret, token: code, epoch, epochTolerance: period, period });
    if (!result.valid) return false;
    const step = Math.floor(epoch / period) + result.delta;
    return store.claimTotpStep(accountId, step, confirming ? clock.now() : undefined);
  }

  return {
    /** Starts (or restarts) enrolment: a new secret, pending until confirmed with a code. */
    async startEnrolment(accountId: string, label: string) {
      const secret = generateSecret({ length: 20 });
      const sealed = await keyring.encrypt(keyring.systemDataKeyId(), Buffer.from(secret), context(accountId));
      await deps.store().putPendingTotp(accountId, sealed);
      const otpauthUri = generateURI({ issuer, label, secret, period });
      const qrCodeDataUrl = `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(otpauthUri, { type: "svg", errorCorrectionLevel: "M" })).toString("base64")}`;
      return { secret, otpauthUri, qrCodeDataUrl };
    },
    /** Confirms a pending enrolment with a first valid code. */
    confirmEnrolment: (accountId: string, code: string) => check(accountId, code, true),
    /** Checks a code against a confirmed enrolment. */
    verify: (accountId: string, code: string) => check(accountId, code, false),
    async isEnrolled(accountId: string): Promise<boolean> {
      return (await deps.store().totp(accountId))?.confirmedAt != null;
    },
  };
}

export type Totp = ReturnType<typeof createTotp>;
