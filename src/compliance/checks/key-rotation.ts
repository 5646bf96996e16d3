import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

const dayMs = 86_400_000;

/** ENC-3: the active key-encryption key is younger than the rotation period. */
export const keyRotation: ComplianceCheck = {
  id: "keys.rotation_age",
  title: { ja: "鍵の経過日数とローテーション周期", en: "Key age against the rotation period" },
  async run({ db, clock, config }) {
    const createdAt = await createComplianceStore(db.kysely).activeKekCreatedAt();
    if (!createdAt) return outcome("not_met", "no active key-encryption key", {});
    const ageDays = Math.floor((clock.now().getTime() - createdAt.getTime()) / dayMs);
    const evidence = { kekCreatedAt: createdAt.toISOString(), kekAgeDays: ageDays, rotationPeriodDays: config.compliance.keyRotationDays };
    return ageDays <= config.compliance.keyRotationDays ? outcome("met", "key within its rotation period", evidence) : outcome("not_met", "key older than the rotation period: run `mamori keys rotate`", evidence);
  },
};
