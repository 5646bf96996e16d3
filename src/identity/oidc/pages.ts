import type { KoaContextWithOIDC } from "oidc-provider";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A minimal bilingual page: no script and no inline style, so it passes the service's strict CSP. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;
}

/** oidc-provider's error page: the error code only, never request parameters. */
export async function renderErrorPage(ctx: KoaContextWithOIDC, out: { error: string }): Promise<void> {
  ctx.type = "html";
  ctx.body = page("エラー / Error", `<h1>認可エラー / Authorization error</h1><p><code>${escapeHtml(out.error)}</code></p>`);
}

/** RP-initiated logout confirmation (OpenID Connect RP-Initiated Logout 1.0 §2): `form` carries the xsrf token. */
export async function renderLogoutPage(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = "html";
  ctx.body = page(
    "ログアウト / Sign out",
    `${form}<h1>ログアウトしますか？ / Sign out?</h1><button type="submit" form="op.logoutForm" name="logout" value="yes">ログアウト / Sign out</button> <button type="submit" form="op.logoutForm">キャンセル / Stay signed in</button>`,
  );
}

export async function renderLoggedOutPage(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = "html";
  ctx.body = page("ログアウトしました / Signed out", "<h1>ログアウトしました / You are signed out</h1>");
}
