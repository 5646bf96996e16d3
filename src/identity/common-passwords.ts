import { dictionary } from "@zxcvbn-ts/language-common";

// The zxcvbn-ts common password list (MIT; about 49,000 of the most frequent passwords in public breach corpora,
// in order of frequency), the kind of list NIST SP 800-63B §5.1.1.2 asks new passwords to be compared against.
const commonPasswords = new Set(dictionary["passwords-common"].map(normalise));

/** Case and Unicode width do not make a password less guessable, so the comparison ignores both. */
function normalise(password: string): string {
  return password.normalize("NFKC").toLowerCase();
}

/**
 * True when the password, or the password without the digits and symbols people tack on at its end
 * ("password2026!"), is on the common password list.
 */
export function isCommonPassword(password: string): boolean {
  const normalised = normalise(password);
  const withoutSuffix = normalised.replace(/[\d\p{P}\p{S}\s]+$/u, "");
  return commonPasswords.has(normalised) || (withoutSuffix.length > 0 && commonPasswords.has(withoutSuffix));
}
