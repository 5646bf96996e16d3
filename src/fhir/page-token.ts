import type { Keyring } from "../crypto/index.js";
import { AppError, type Clock } from "../kernel/index.js";

/** Where a paged answer continues: the whole query rides along, so links carry nothing but the sealed token. */
export type PageState =
  | { kind: "search"; type: string; params: Array<[string, string]>; after: string }
  | { kind: "history"; type: string; since?: string | undefined; count: number; before: { lastUpdated: string; id: string; version: number } };

/** A page link is valid this long; a client paging slower starts the search again. */
const tokenLifetimeMs = 30 * 60_000;

/**
 * Page links (`?_page=<token>`) as sealed tokens: the search parameters may name a patient (e.g. a kana name), and
 * URLs end up in logs and browser history, so the query is encrypted under the service's data key and bound to the
 * account that searched and to an expiry.
 */
export function createPageTokens(deps: { keyring: Keyring; clock: Clock }) {
  const context = (accountId: string) => `fhir-page:${accountId}`;
  return {
    async seal(state: PageState, accountId: string): Promise<string> {
      const payload = Buffer.from(JSON.stringify({ state, expiresAt: deps.clock.now().getTime() + tokenLifetimeMs }));
      return (await deps.keyring.encrypt(deps.keyring.systemDataKeyId(), payload, context(accountId))).toString("base64url");
    },
    /** @throws {AppError} `fhir.invalid_page` when the token was altered, is another account's, or has expired. */
    async open(token: string, accountId: string): Promise<PageState> {
      try {
        const payload = JSON.parse((await deps.keyring.decrypt(Buffer.from(token, "base64url"), context(accountId))).toString("utf8")) as { state: PageState; expiresAt: number };
        if (payload.expiresAt < deps.clock.now().getTime()) throw new Error("expired");
        return payload.state;
      } catch (error) {
        throw new AppError("fhir.invalid_page", { cause: error });
      }
    },
  };
}

export type PageTokens = ReturnType<typeof createPageTokens>;
