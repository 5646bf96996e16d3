import { outcome, type ComplianceCheck } from "../check.js";

/** PROV-1: the operator's data the サービス仕様適合開示書 needs is filled in (missing values print as 未記入). */
export const disclosureOrganisation: ComplianceCheck = {
  id: "disclosure.organisation_data",
  title: { ja: "開示書の事業者情報", en: "Provider data for the disclosure" },
  async run({ config }) {
    const fields = {
      MAMORI_ORGANISATION_NAME: config.provider.name,
      MAMORI_SECURITY_OFFICER_NAME: config.provider.securityOfficer,
      MAMORI_PROVIDER_CONTACT: config.provider.contact,
      MAMORI_PROVIDER_SUPPORT_HOURS: config.provider.supportHours,
      MAMORI_DATA_CENTRE_LOCATION: config.provider.dataCentreLocation,
      MAMORI_DATA_CENTRE_COUNTRY: config.provider.dataCentreCountry,
      MAMORI_SUBCONTRACTORS: config.provider.subcontractors?.join(";"),
    };
    const missing = Object.entries(fields).filter(([, value]) => !value).map(([key]) => key);
    const evidence = { fields: Object.keys(fields).length, missing };
    if (missing.length === 0) return outcome("met", "every provider field is filled in", evidence);
    return missing.length === Object.keys(fields).length ? outcome("not_met", "no provider data configured", evidence) : outcome("partial", "some provider data missing", evidence);
  },
};
