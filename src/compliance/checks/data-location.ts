import { outcome, type ComplianceCheck } from "../check.js";

/** PROV-3: the data centre's country is stated and is Japan (jurisdiction of Japanese law). */
export const dataLocation: ComplianceCheck = {
  id: "data.location",
  title: { ja: "データの所在国", en: "Data location" },
  async run({ config }) {
    const evidence = { country: config.provider.dataCentreCountry ?? null, location: config.provider.dataCentreLocation ?? null };
    if (!config.provider.dataCentreCountry) return outcome("not_met", "the data centre country is not configured (MAMORI_DATA_CENTRE_COUNTRY)", evidence);
    return config.provider.dataCentreCountry === "JP" ? outcome("met", "data kept in Japan", evidence) : outcome("partial", "data kept outside Japan: the institution must assess the foreign jurisdiction", evidence);
  },
};
