/**
 * SMART App Launch 2 scopes (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html):
 * `<context>/<type or *>.<permissions>` with v2 permissions `c r u d s` (in that order) and the v1 forms
 * `.read`, `.write` and `.*`. A token's scopes only narrow what its user may do; Cedar still decides for the user.
 */
export type ScopeContext = "patient" | "user";
export type ScopedInteraction = "create" | "read" | "update" | "delete" | "search";

const interactionLetter: Record<ScopedInteraction, string> = { create: "c", read: "r", update: "u", delete: "d", search: "s" };
const v1Letters: Record<string, string> = { read: "rs", write: "cud", "*": "cruds" };
const scopePattern = /^(patient|user)\/(\*|[A-Z][A-Za-z]{1,63})\.(\*|read|write|c?r?u?d?s?)$/;

/** Resource types offered in scopes besides `*`. */
export const scopedResourceTypes = ["Patient", "AuditEvent", "Binary"] as const;

export interface ParsedScope {
  context: ScopeContext;
  resourceType: string;
  /** Permission letters out of `cruds`. */
  letters: string;
}

/** Parses one SMART resource scope; undefined for anything else (openid, launch/patient, malformed). */
export function parseSmartScope(scope: string): ParsedScope | undefined {
  const match = scopePattern.exec(scope);
  if (!match || match[3] === "") return undefined;
  const [, context, resourceType, permissions] = match as unknown as [string, ScopeContext, string, string];
  return { context, resourceType, letters: v1Letters[permissions] ?? permissions };
}

/** Every SMART resource scope this server recognises (the provider refuses others). */
export function supportedSmartScopes(): string[] {
  const letters = ["c", "r", "u", "d", "s"];
  const v2: string[] = [];
  for (let mask = 1; mask < 32; mask += 1) v2.push(letters.filter((_, bit) => mask & (1 << bit)).join(""));
  const permissions = [...v2, "read", "write", "*"];
  return (["patient", "user"] as const).flatMap((context) => ["*", ...scopedResourceTypes].flatMap((type) => permissions.map((permission) => `${context}/${type}.${permission}`)));
}

/**
 * Whether granted scopes allow an interaction on a resource. `patient/` scopes reach only the launch patient's
 * compartment (here: that Patient record itself); `user/` scopes reach whatever the user may reach.
 */
export function scopesPermit(scopes: readonly string[], request: { interaction: ScopedInteraction; resourceType: string; patientId?: string | undefined; launchPatient?: string | undefined }): boolean {
  const letter = interactionLetter[request.interaction];
  return scopes.some((scope) => {
    const parsed = parseSmartScope(scope);
    if (!parsed || !parsed.letters.includes(letter)) return false;
    if (parsed.resourceType !== "*" && parsed.resourceType !== request.resourceType) return false;
    if (parsed.context === "user") return true;
    return request.launchPatient !== undefined && request.patientId === request.launchPatient;
  });
}

/**
 * Whether a requested scope is within a client's registered ones: the same scope, or for SMART resource scopes one
 * of the same context whose type covers it (`*` or equal) and whose permissions include all requested ones
 * (`user/*.cruds` covers `user/Patient.rs`).
 */
export function isScopeCovered(requested: string, allowed: readonly string[]): boolean {
  if (allowed.includes(requested)) return true;
  const wanted = parseSmartScope(requested);
  if (!wanted) return false;
  return allowed.some((scope) => {
    const granted = parseSmartScope(scope);
    return (
      granted !== undefined &&
      granted.context === wanted.context &&
      (granted.resourceType === "*" || granted.resourceType === wanted.resourceType) &&
      [...wanted.letters].every((letter) => granted.letters.includes(letter))
    );
  });
}
