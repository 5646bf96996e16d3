import { outcome, type ComplianceCheck } from "../check.js";

/** UPL-1: uploads are always type-checked and re-encoded; a ClamAV scan is added when configured. */
export const uploadsSanitiser: ComplianceCheck = {
  id: "uploads.sanitiser",
  title: { ja: "アップロードファイルの無害化", en: "Upload sanitising" },
  async run({ config }) {
    const evidence = { sanitiser: "always on", workers: config.uploads.workers, maxMiB: config.uploads.maxBytes / 1024 / 1024, malwareScan: config.uploads.clamavSocket ? "ClamAV" : "none" };
    return config.uploads.clamavSocket ? outcome("met", "sanitiser on and ClamAV scanning", evidence) : outcome("partial", "sanitiser on; no malware scanner configured (CLAMAV_SOCKET)", evidence);
  },
};
