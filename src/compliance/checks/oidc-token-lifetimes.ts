import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

// RFC 9700 §2.2 and §4.14: short-lived access tokens; refresh tokens rotated with reuse detection and an absolute
// lifetime. Ten minutes for a bearer token and thirty days for a grant bound what a stolen token is worth.
const maxAccessSeconds = 600;
const maxRefreshDays = 30;
const windowDays = 30;

/**
 * SES-2: OAuth access tokens (MAMORI_ACCESS_TOKEN_SECONDS) and refresh token chains (MAMORI_REFRESH_TOKEN_HOURS) are
 * short enough, and the provider rotates refresh tokens and revokes the grant on reuse. Reuses caught in the last
 * 30 days are evidence that detection works.
 */
export const oidcTokenLifetimes: ComplianceCheck = {
  id: "oidc.token_lifetimes",
  title: { ja: "OIDCトークン有効期限と更新トークンのローテーション", en: "OIDC token lifetimes and refresh-token rotation" },
  async run({ config, db, clock, refreshTokenPolicy }) {
    const accessTokenSeconds = config.oauth.accessTokenSeconds;
    const refreshTokenDays = config.oauth.refreshTokenSeconds / 86_400;
    const since = new Date(clock.now().getTime() - windowDays * 86_400_000);
    const refreshReusesLast30Days = await createComplianceStore(db.kysely).auditCountSince(refreshTokenPolicy.reuseAuditAction, since);
    const evidence = {
      accessTokenSeconds,
      maxAccessSeconds,
      refreshTokenDays: Math.round(refreshTokenDays * 100) / 100,
      maxRefreshDays,
      refreshRotation: refreshTokenPolicy.rotation,
      reuseRevokesGrant: refreshTokenPolicy.reuseRevokesGrant,
      refreshReusesLast30Days,
    };
    const problems = [
      ...(accessTokenSeconds > maxAccessSeconds ? [`access tokens live ${accessTokenSeconds} s (limit ${maxAccessSeconds})`] : []),
      ...(refreshTokenDays > maxRefreshDays ? [`refresh token chains live ${evidence.refreshTokenDays} days (limit ${maxRefreshDays})`] : []),
      ...(!refreshTokenPolicy.rotation ? ["refresh tokens are not rotated"] : []),
      ...(!refreshTokenPolicy.reuseRevokesGrant ? ["a reused refresh token does not revoke its grant"] : []),
    ];
    return problems.length === 0 ? outcome("met", "short-lived access tokens; refresh tokens rotated with reuse detection and an absolute lifetime", evidence) : outcome("not_met", problems.join("; "), evidence);
  },
};
