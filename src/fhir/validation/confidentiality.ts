import type { FhirResource } from "../resources/index.js";

export type Confidentiality = "N" | "R" | "V";

export const confidentialitySystem = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

/**
 * The confidentiality a resource is stored and authorized under: the highest of R (restricted) and V (very
 * restricted) among its `meta.security` codings in the v3-Confidentiality system, N otherwise. The lower codes
 * (U, L, M) and labels of other systems leave it at N, since access rules only tighten from R upward.
 */
export function confidentialityOf(resource: FhirResource): Confidentiality {
  const security = (resource.meta as { security?: unknown } | undefined)?.security;
  if (!Array.isArray(security)) return "N";
  const codes = new Set(
    security.flatMap((coding: unknown) => {
      if (typeof coding !== "object" || coding === null) return [];
      const { system, code } = coding as { system?: unknown; code?: unknown };
      return system === confidentialitySystem && typeof code === "string" ? [code] : [];
    }),
  );
  return codes.has("V") ? "V" : codes.has("R") ? "R" : "N";
}
