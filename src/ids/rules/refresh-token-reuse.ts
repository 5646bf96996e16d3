import type { Rule } from "../types.js";
import { groupBy, subjectOf } from "./entry-kinds.js";

/**
 * A refresh token presented again after it was rotated: a copy is in someone else's hands (OAuth 2.0 Security
 * BCP, RFC 9700 §4.14.2). The OIDC provider records `oauth.refresh_reuse` when it sees one.
 */
export function refreshTokenReuse(): Rule {
  return {
    id: "refresh_token_reuse",
    severity: "critical",
    description: {
      ja: "ローテーション済みのリフレッシュトークンが再使用されました（トークン漏えいの疑い）。",
      en: "A refresh token was used again after rotation (the token may have leaked).",
    },
    retainMs: 0,
    async evaluate(entries) {
      const reuses = entries.filter((entry) => entry.action === "oauth.refresh_reuse");
      return [...groupBy(reuses, subjectOf).values()].map((group) => ({
        accountId: group[0]!.actor.accountId,
        ip: group.at(-1)!.network.ip,
        evidence: group.map((entry) => entry.seq),
      }));
    },
  };
}
