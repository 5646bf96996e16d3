import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

/** LOG-2: entries do not stay unsigned for long: the last signed checkpoint is recent or covers every entry. */
export const auditCheckpointAge: ComplianceCheck = {
  id: "audit.checkpoint_age",
  title: { ja: "最新の署名チェックポイントの経過時間", en: "Age of the last signed checkpoint" },
  async run({ db, clock, config }) {
    const store = createComplianceStore(db.kysely);
    const [last, headSeq] = [await store.lastCheckpoint(), await store.chainHeadSeq()];
    const ageMinutes = last ? Math.floor((clock.now().getTime() - last.signedAt.getTime()) / 60_000) : null;
    const evidence = { lastCheckpointSeq: last?.seq ?? null, lastCheckpointAt: last?.signedAt.toISOString() ?? null, ageMinutes, unsignedEntries: headSeq - (last?.seq ?? 0), maxAgeMinutes: config.compliance.checkpointMaxAgeMs / 60_000 };
    // A checkpoint beyond the chain head was never signed here: planted to make the checkpoints look fresh.
    if (last && last.seq > headSeq) return outcome("not_met", "the latest checkpoint claims entries the audit chain does not hold; checkpoints have stopped", evidence);
    if (headSeq === (last?.seq ?? 0)) return outcome("met", "every audit entry is covered by a signed checkpoint", evidence);
    // What matters is how long the oldest unsigned entry has waited, whether or not a checkpoint was ever signed.
    const unsignedSince = await store.firstEntryAfter(last?.seq ?? 0);
    const waited = unsignedSince ? clock.now().getTime() - unsignedSince.getTime() : 0;
    const withWait = { ...evidence, oldestUnsignedAt: unsignedSince?.toISOString() ?? null };
    return waited <= config.compliance.checkpointMaxAgeMs
      ? outcome("met", "unsigned entries are recent; the next checkpoint will cover them", withWait)
      : outcome("not_met", "entries have stayed unsigned longer than the limit", withWait);
  },
};
