import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { InteractionResults } from "oidc-provider";

/** What the interaction route needs to decide: the pending prompt, the client and the scopes asked for. */
export interface PendingInteraction {
  uid: string;
  prompt: "login" | "consent" | string;
  clientId: string;
  scopes: string[];
  /** The account already signed in at the provider (consent prompt). */
  accountId: string | undefined;
}

/**
 * The provider side of our sign-in pages: the login prompt completes for the account of the browser's active Mamori
 * web session, the consent prompt with a grant of the scopes asked for (the client's registration already limits
 * them). Each function returns the URL to send the browser to.
 */
export function createInteractions(deps: {
  provider: () => Provider;
  /** The scopes a client was registered with. */
  allowedScopes: (clientId: string) => Promise<string[]>;
  /** Whether a requested scope lies within registered ones (SMART: a broader scope covers narrower ones). */
  isScopeCovered: (requested: string, allowed: readonly string[]) => boolean;
}) {
  const { provider } = deps;

  /** The requested scopes the client may have; the rest are not granted (SMART: the server may grant fewer). */
  async function permittedScopes(clientId: string, requested: readonly string[]): Promise<string[]> {
    const allowed = await deps.allowedScopes(clientId);
    return requested.filter((scope) => deps.isScopeCovered(scope, allowed));
  }

  async function finish(req: IncomingMessage, res: ServerResponse, result: InteractionResults): Promise<string> {
    return provider().interactionResult(req, res, result, { mergeWithLastSubmission: true });
  }

  return {
    /** @throws when the interaction is unknown or expired (oidc-provider's SessionNotFound). */
    async pending(req: IncomingMessage, res: ServerResponse): Promise<PendingInteraction> {
      const details = await provider().interactionDetails(req, res);
      const clientId = String(details.params["client_id"] ?? "");
      return {
        uid: details.uid,
        prompt: details.prompt.name,
        clientId,
        scopes: await permittedScopes(clientId, String(details.params["scope"] ?? "").split(" ").filter(Boolean)),
        accountId: details.session?.accountId,
      };
    },

    /** Completes the login prompt for an account signed in with password and second factor. */
    login: (req: IncomingMessage, res: ServerResponse, accountId: string) => finish(req, res, { login: { accountId, amr: ["pwd", "otp"] } }),

    /** Grants what the pending consent prompt asks for. */
    async consent(req: IncomingMessage, res: ServerResponse): Promise<string> {
      const details = await provider().interactionDetails(req, res);
      const { Grant } = provider();
      const accountId = details.session?.accountId;
      const clientId = String(details.params["client_id"]);
      const grant = details.grantId ? await Grant.find(details.grantId) : new Grant({ accountId, clientId });
      if (!grant) throw new Error("grant vanished during the interaction");
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) {
        const permitted = await permittedScopes(clientId, missing.missingOIDCScope);
        grant.addOIDCScope(permitted.join(" "));
        // Marked as decided, so the consent prompt does not come back for scopes the client may not have.
        const refused = missing.missingOIDCScope.filter((scope) => !permitted.includes(scope));
        if (refused.length > 0) grant.rejectOIDCScope(refused.join(" "));
      }
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
      const grantId = await grant.save();
      return finish(req, res, { consent: { grantId } });
    },

    /** The user declined: the client receives `access_denied`. */
    deny: (req: IncomingMessage, res: ServerResponse) => finish(req, res, { error: "access_denied", error_description: "the user declined" }),
  };
}

export type Interactions = ReturnType<typeof createInteractions>;
