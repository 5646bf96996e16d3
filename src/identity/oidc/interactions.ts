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
export function createInteractions(provider: () => Provider) {
  async function finish(req: IncomingMessage, res: ServerResponse, result: InteractionResults): Promise<string> {
    return provider().interactionResult(req, res, result, { mergeWithLastSubmission: true });
  }

  return {
    /** @throws when the interaction is unknown or expired (oidc-provider's SessionNotFound). */
    async pending(req: IncomingMessage, res: ServerResponse): Promise<PendingInteraction> {
      const details = await provider().interactionDetails(req, res);
      return {
        uid: details.uid,
        prompt: details.prompt.name,
        clientId: String(details.params["client_id"] ?? ""),
        scopes: String(details.params["scope"] ?? "").split(" ").filter(Boolean),
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
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
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
