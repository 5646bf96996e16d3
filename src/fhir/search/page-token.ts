import { z } from "zod";
import type { Keyring } from "../../crypto/index.js";
import { AppError, isAppError, type Clock } from "../../kernel/index.js";
import { invalid } from "./parse.js";

/** What a `_page` token carries: the search as the client first gave it, and where the next page starts. */
export interface PageState {
  type: string;
  params: Array<[string, string]>;
  /** The opaque cursor `page` returned as `next`. */
  cursor: string;
}

/** How long a next-page link works: long enough to read through results, short enough not to linger in logs. */
export const pageTokenLifetimeMs = 30 * 60_000;
// Far above any real search (at most 50 parameters); refuses garbage before any decryption work.
const maxTokenLength = 32_768;

const payloadSchema = z.strictObject({
  v: z.literal(1),
  expiresAt: z.number().int(),
  type: z.string().min(1).max(64),
  params: z.array(z.tuple([z.string(), z.string()])).max(50),
  cursor: z.string().min(1).max(512),
});

const contextOf = (accountId: string) => `fhir-search-page:${accountId}`;

/**
 * Seals a search and its cursor into an opaque `_page` token, so page links carry no PHI: encrypted and
 * authenticated under the keyring's system data key, bound to the account (another account cannot open it) and
 * expiring after 30 minutes.
 * @throws {AppError} `crypto.key_unavailable` if the system data key cannot be read.
 */
export async function sealPageToken(deps: { keyring: Keyring; clock: Clock }, accountId: string, state: PageState): Promise<string> {
  const payload = { v: 1, expiresAt: deps.clock.now().getTime() + pageTokenLifetimeMs, type: state.type, params: state.params, cursor: state.cursor };
  const sealed = await deps.keyring.encrypt(deps.keyring.systemDataKeyId(), Buffer.from(JSON.stringify(payload)), contextOf(accountId));
  return sealed.toString("base64url");
}

/**
 * Opens a `_page` token sealed for this account.
 * @throws {AppError} `fhir.invalid_search` (expression `_page`) when the token was altered, sealed for another
 * account, or has expired; `crypto.key_unavailable` if the system data key cannot be read.
 */
export async function openPageToken(deps: { keyring: Keyring; clock: Clock }, accountId: string, token: string): Promise<PageState> {
  if (token.length > maxTokenLength || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid("_page", "malformed token");
  let plaintext: Buffer;
  try {
    plaintext = await deps.keyring.decrypt(Buffer.from(token, "base64url"), contextOf(accountId));
  } catch (error) {
    if (isAppError(error, "crypto.integrity")) throw invalid("_page", "token altered or not this account's");
    throw error;
  }
  const parsed = payloadSchema.safeParse(safeJson(plaintext));
  if (!parsed.success) throw new AppError("fhir.invalid_search", { expression: ["_page"], detail: "_page: unreadable token" });
  if (parsed.data.expiresAt <= deps.clock.now().getTime()) throw invalid("_page", "token expired");
  return { type: parsed.data.type, params: parsed.data.params, cursor: parsed.data.cursor };
}

function safeJson(text: Buffer): unknown {
  try {
    return JSON.parse(text.toString("utf8"));
  } catch {
    return undefined;
  }
}
