import { isSupportedType, resourceTypes, type SupportedType } from "../resources/index.js";

/** The FHIR R4 resource types validated here: those the records module stores. */
export const validatedTypes = Object.keys(resourceTypes) as SupportedType[];

export type ValidatedType = SupportedType;

export function isValidatedType(type: string): type is ValidatedType {
  return isSupportedType(type);
}
