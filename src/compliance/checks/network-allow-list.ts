import { outcome, type ComplianceCheck } from "../check.js";

/** NET-2 (and AUTH-7): administrators and security officers may act only from their management networks. */
export const networkAllowList: ComplianceCheck = {
  id: "network.admin_allow_list",
  title: { ja: "管理操作の接続元ネットワーク制限", en: "Management networks for administrators and security officers" },
  async run({ networks }) {
    const evidence = { adminNetworks: [...networks.admin], securityNetworks: [...networks.securityOfficer] };
    const restricted = [networks.admin.length > 0, networks.securityOfficer.length > 0].filter(Boolean).length;
    if (restricted === 2) return outcome("met", "administrators and security officers are restricted to their networks", evidence);
    if (restricted === 1) return outcome("partial", networks.admin.length > 0 ? "security officers may act from any network" : "administrators may act from any network", evidence);
    return outcome("not_met", "MAMORI_ADMIN_NETWORKS and MAMORI_SECURITY_NETWORKS are empty: management from any network", evidence);
  },
};
