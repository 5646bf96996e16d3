import type { z } from "zod";
import { patientSchema } from "./patient.js";

/** The resource types this server stores, each with its validation schema. */
export const resourceDefinitions = {
  Patient: { schema: patientSchema as z.ZodType<FhirResource>, compartment: "self" },
} as const;

export type SupportedType = keyof typeof resourceDefinitions;

/** Any stored resource: a JSON object with resourceType and, once stored, id and meta. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export function isSupportedType(type: string): type is SupportedType {
  return Object.hasOwn(resourceDefinitions, type);
}
