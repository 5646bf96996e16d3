import { z } from "zod";

/** An administrator registers an OAuth client application (SMART app, resource server, our own web UI). */
export const oauthClientRegistration = z.object({
  name: z.string().trim().min(1).max(200),
  redirectUris: z.array(z.string().max(2000)).min(1).max(20),
  postLogoutRedirectUris: z.array(z.string().max(2000)).max(20).default([]),
  scopes: z.array(z.string().max(100)).min(1).max(300),
  isConfidential: z.boolean(),
  isFirstParty: z.boolean().default(false),
});
export type OauthClientRegistration = z.infer<typeof oauthClientRegistration>;

export const oauthClientView = z.object({
  clientId: z.string(),
  name: z.string(),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  scopes: z.array(z.string()),
  isConfidential: z.boolean(),
  isFirstParty: z.boolean(),
  status: z.enum(["active", "disabled"]),
  createdAt: z.string(),
});
export type OauthClientView = z.infer<typeof oauthClientView>;

/** The registration answer: the client secret (confidential clients) is shown here once and never again. */
export const oauthClientRegistered = z.object({ client: oauthClientView, clientSecret: z.string().optional() });
export const oauthClientList = z.object({ clients: z.array(oauthClientView) });
export const oauthClientParams = z.object({ clientId: z.string().min(1).max(100) });
