import type { Database } from "../db/index.js";
import type { Principal } from "../kernel/index.js";
import { createIdentityStore } from "./store.js";

/**
 * The principal of an active staff account for work an operator starts from the local terminal on that person's
 * behalf (e.g. loading synthetic records): the same roles and policies as a web session, and an audit trail that
 * names the account and the terminal. Undefined when no active staff account has that e-mail address.
 */
export async function commandLinePrincipal(db: Database, email: string, command: string): Promise<Principal | undefined> {
  const account = await createIdentityStore(db.kysely).accountByEmail(email);
  if (!account || account.status !== "active" || account.kind !== "staff") return undefined;
  return { accountId: account.id, roles: account.roles, sessionId: `cli:${command}`, network: { ip: "local", userAgent: `mamori-cli ${command}` } };
}
