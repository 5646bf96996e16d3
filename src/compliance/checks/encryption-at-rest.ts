import path from "node:path";
import { outcome, type ComplianceCheck } from "../check.js";

/**
 * ENC-2: medical content is encrypted in the application under a KEK that a KMS master key wraps, and the master
 * key is kept apart from the data: a local key file inside the data folder travels with the database files.
 */
export const encryptionAtRest: ComplianceCheck = {
  id: "encryption.at_rest",
  title: { ja: "保存データの暗号化と鍵管理方式", en: "Encryption at rest and KMS kind" },
  async run({ keyring, config }) {
    const status = await keyring.keyStatus();
    const keyBesideData = status.kmsKind === "local-file" && !path.relative(config.dataDir, config.masterKeyFile).startsWith("..");
    const evidence = { encryption: "AES-256-GCM envelope (application level)", kmsKind: status.kmsKind, activeKekId: status.kekId, pendingRewrap: status.pendingRewrap, masterKeyApartFromData: !keyBesideData };
    return keyBesideData
      ? outcome("partial", "encryption on, but the master key file is inside the data folder (MAMORI_MASTER_KEY_FILE): keep it apart from the data", evidence)
      : outcome("met", "encryption on; master key kept apart from the data", evidence);
  },
};
