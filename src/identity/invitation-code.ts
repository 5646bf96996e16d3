import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Wrong codes after which a patient invitation is void (the link alone then opens nothing). */
export const invitationCodeAttempts = 5;

// Crockford's base32, as for recovery codes: no I, L, O or U, so a code read off a printed slip is not misread.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 60 random bits as 12 base32 characters, shown as three groups of four (e.g. `7K2M-9QXD-4HTR`). */
export function newInvitationCode(): string {
  const bytes = randomBytes(12);
  let text = "";
  for (const byte of bytes) text += alphabet[byte & 31];
  return text.match(/.{4}/g)!.join("-");
}

/** What a person typed, as the code it most likely is: case, spaces and hyphens ignored, O→0 and I/L→1. */
function normalise(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

/**
 * SHA-256 of the normalised code. A plain hash suffices: 60 random bits cannot be guessed from a stolen table in
 * useful time, the code is worthless without the link in the patient's mailbox, and online guessing stops at
 * `invitationCodeAttempts`.
 */
export function hashInvitationCode(code: string): Buffer {
  return createHash("sha256").update(`mamori-invitation-code:${normalise(code)}`, "utf8").digest();
}

/** True when the typed code is the one whose hash was stored; constant time in the hash comparison. */
export function isInvitationCode(input: string, storedHash: Buffer): boolean {
  const typed = hashInvitationCode(input);
  return typed.length === storedHash.length && timingSafeEqual(typed, storedHash);
}
