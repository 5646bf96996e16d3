/**
 * How refresh tokens are handled (SES-2): every use rotates the token, and a rotated (consumed) token presented again
 * is taken as stolen: oidc-provider revokes its whole grant and we audit `reuseAuditAction`. The provider is built
 * from this object and the compliance report reads the same one.
 */
export const refreshTokenPolicy = { rotation: true, reuseRevokesGrant: true, reuseAuditAction: "oauth.refresh_reuse" } as const;
export type RefreshTokenPolicy = typeof refreshTokenPolicy;
