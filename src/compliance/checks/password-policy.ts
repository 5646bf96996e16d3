import { outcome, type ComplianceCheck } from "../check.js";

// MHLW 6.0 運用編: passwords used alone need 13+ characters; with a second factor a shorter minimum (never below
// the schema's 12) is acceptable, and staff always have one (mfa.staff_enrolled proves it).
const passwordOnlyMinimum = 13;

/** AUTH-3: the password policy in force. */
export const passwordPolicy: ComplianceCheck = {
  id: "password.policy",
  title: { ja: "パスワードポリシー", en: "Password policy" },
  async run({ config }) {
    const evidence = { minLength: config.password.minLength, passwordOnlyMinimum, hashing: "argon2id", argon2MemoryKiB: config.password.argon2MemoryKiB, staffSecondFactorRequired: true, patientSecondFactorRequired: config.patientPortal.mfaRequired };
    if (config.password.minLength >= passwordOnlyMinimum) return outcome("met", "minimum length meets the password-only rule", evidence);
    return config.patientPortal.mfaRequired
      ? outcome("met", "every account needs a second factor, so the minimum length suffices", evidence)
      : outcome("partial", "patients may sign in with a password alone shorter than 13 characters", evidence);
  },
};
