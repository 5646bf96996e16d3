import argon2 from "argon2";
import { AppError } from "../kernel/index.js";
import { isCommonPassword } from "./common-passwords.js";
import { containsPersonalDetails, isTrivialPattern } from "./password-patterns.js";

/** Who the password is for: what it must not contain. */
export interface PasswordOwner {
  email: string;
  displayName?: string | undefined;
}

export interface PasswordPolicy {
  minLength: number;
  argon2MemoryKiB: number;
  argon2Iterations: number;
}

const maxLength = 1024;

/** Hashing and checking passwords with argon2id (OWASP Password Storage Cheat Sheet parameters or stronger). */
export function createPasswords(policy: PasswordPolicy) {
  const options = {
    type: argon2.argon2id,
    memoryCost: policy.argon2MemoryKiB,
    timeCost: policy.argon2Iterations,
    parallelism: 1,
  } as const;
  // Verifying against this when an account does not exist takes as long as a real check, so timing does not
  // reveal which e-mail addresses have accounts.
  const decoy = argon2.hash("decoy-password-for-timing", options);

  return {
    /**
     * Checks a new password of `owner` — length (MHLW 運用編: long passwords); not on the common password list, not
     * repetitive, sequential or a keyboard walk, not the owner's e-mail address or name (NIST SP 800-63B §5.1.1.2);
     * no composition rules — and hashes it.
     * @throws {AppError} `identity.password_too_short` / `identity.password_too_long` / `identity.password_common` /
     * `identity.password_pattern` / `identity.password_personal`.
     */
    async hash(password: string, owner: PasswordOwner): Promise<string> {
      const length = [...password].length;
      if (length < policy.minLength) throw new AppError("identity.password_too_short", { expression: ["password"] });
      if (length > maxLength) throw new AppError("identity.password_too_long", { expression: ["password"] });
      if (isCommonPassword(password)) throw new AppError("identity.password_common", { expression: ["password"] });
      if (isTrivialPattern(password)) throw new AppError("identity.password_pattern", { expression: ["password"] });
      if (containsPersonalDetails(password, owner)) throw new AppError("identity.password_personal", { expression: ["password"] });
      return argon2.hash(password, options);
    },
    /** Hashes a password that was just verified with today's parameters; no policy check, it is not a new one. */
    rehash: (password: string): Promise<string> => argon2.hash(password, options),
    /** True when the password matches; with no hash, spends the same time and returns false. */
    async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
      try {
        return await argon2.verify(passwordHash ?? (await decoy), password);
      } catch {
        return false;
      }
    },
    /** True when the stored hash used weaker parameters than today's, so it is rehashed at the next sign-in. */
    needsRehash(passwordHash: string): boolean {
      return argon2.needsRehash(passwordHash, options);
    },
  };
}

export type Passwords = ReturnType<typeof createPasswords>;
