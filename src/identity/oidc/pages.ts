import type { KoaContextWithOIDC } from "oidc-provider";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A minimal bilingual page: no script and no inline style, so it passes the service's strict CSP. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;
}

/**
 * The CSP of a page whose form ends in a redirect to a client: browsers apply `form-action` to the whole redirect
 * chain (CSP Level 3 §6.3.1), so the client's own origins are allowed as targets, and nothing else is loaded.
 */
export function formPageCsp(targets: readonly string[]): string {
  const origins = [...new Set(targets.flatMap((target) => {
    try {
      return [new URL(target).origin];
    } catch {
      return [];
    }
  }))];
  return ["default-src 'none'", "style-src 'self'", `form-action 'self' ${origins.join(" ")}`.trim(), "frame-ancestors 'none'", "base-uri 'none'"].join("; ");
}

/**
 * A form page's referrer policy: with `no-referrer` a browser sends `Origin: null` on a form POST (Fetch §3.1),
 * which our same-origin check refuses; `same-origin` sends our origin to ourselves and nothing to others.
 */
export const formPageReferrerPolicy = "same-origin";

/** oidc-provider's error page: the error code only, never request parameters. */
export async function renderErrorPage(ctx: KoaContextWithOIDC, out: { error: string }): Promise<void> {
  ctx.type = "html";
  ctx.body = page("エラー / Error", `<h1>認可エラー / Authorization error</h1><p><code>${escapeHtml(out.error)}</code></p>`);
}

/** RP-initiated logout confirmation (OpenID Connect RP-Initiated Logout 1.0 §2): `form` carries the xsrf token. */
export async function renderLogoutPage(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = "html";
  ctx.set("content-security-policy", formPageCsp(ctx.oidc.client?.postLogoutRedirectUris ?? []));
  ctx.set("referrer-policy", formPageReferrerPolicy);
  ctx.body = page(
    "ログアウト / Sign out",
    `${form}<h1>ログアウトしますか？ / Sign out?</h1><button type="submit" form="op.logoutForm" name="logout" value="yes">ログアウト / Sign out</button> <button type="submit" form="op.logoutForm">キャンセル / Stay signed in</button>`,
  );
}

export async function renderLoggedOutPage(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = "html";
  ctx.body = page("ログアウトしました / Signed out", "<h1>ログアウトしました / You are signed out</h1>");
}
