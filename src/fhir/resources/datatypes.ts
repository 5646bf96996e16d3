import { z } from "zod";

// FHIR R4 primitive formats (https://hl7.org/fhir/R4/datatypes.html).
export const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
export const fhirUri = z.string().regex(/^\S*$/);
// oxlint-disable-next-line security/detect-unsafe-regex -- FHIR R4 code regex; each repetition starts with a space that [^\s] cannot match, so matching is linear.
export const fhirCode = z.string().regex(/^[^\s]+( [^\s]+)*$/);
// oxlint-disable-next-line security/detect-unsafe-regex -- FHIR R4 date regex: nested optional groups, no repetition; linear.
export const fhirDate = z.string().regex(/^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$/);
export const fhirDateTime = z
  .string()
  // oxlint-disable-next-line security/detect-unsafe-regex -- FHIR R4 dateTime regex: nested optional groups, one bounded fraction; linear.
  .regex(/^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/);
export const fhirString = z.string().min(1).max(1_048_576);

/** Elements this layer does not model in detail yet are checked to be JSON objects and kept as given. */
export const element = z.looseObject({});

export const extension: z.ZodType<unknown> = z.looseObject({ url: fhirUri });

export const period = z.strictObject({ id: z.string().optional(), extension: z.array(extension).optional(), start: fhirDateTime.optional(), end: fhirDateTime.optional() });

export const coding = z.strictObject({
  id: z.string().optional(),
  extension: z.array(extension).optional(),
  system: fhirUri.optional(),
  version: fhirString.optional(),
  code: fhirCode.optional(),
  display: fhirString.optional(),
  userSelected: z.boolean().optional(),
});

export const codeableConcept = z.strictObject({
  id: z.string().optional(),
  extension: z.array(extension).optional(),
  coding: z.array(coding).optional(),
  text: fhirString.optional(),
});

export const identifier = z.strictObject({
  id: z.string().optional(),
  extension: z.array(extension).optional(),
  use: z.enum(["usual", "official", "temp", "secondary", "old"]).optional(),
  type: codeableConcept.optional(),
  system: fhirUri.optional(),
  value: fhirString.optional(),
  period: period.optional(),
  assigner: element.optional(),
});

export const humanName = z.strictObject({
  id: z.string().optional(),
  extension: z.array(extension).optional(),
  use: z.enum(["usual", "official", "temp", "nickname", "anonymous", "old", "maiden"]).optional(),
  text: fhirString.optional(),
  family: fhirString.optional(),
  given: z.array(fhirString).optional(),
  prefix: z.array(fhirString).optional(),
  suffix: z.array(fhirString).optional(),
  period: period.optional(),
});

export const contactPoint = z.strictObject({
  id: z.string().optional(),
  extension: z.array(extension).optional(),
  system: z.enum(["phone", "fax", "email", "pager", "url", "sms", "other"]).optional(),
  value: fhirString.optional(),
  use: z.enum(["home", "work", "temp", "old", "mobile"]).optional(),
  rank: z.number().int().positive().optional(),
  period: period.optional(),
});

export const address = z.strictObject({
  id: z.string().optional(),
  extension: z.array(extension).optional(),
  use: z.enum(["home", "work", "temp", "old", "billing"]).optional(),
  type: z.enum(["postal", "physical", "both"]).optional(),
  text: fhirString.optional(),
  line: z.array(fhirString).optional(),
  city: fhirString.optional(),
  district: fhirString.optional(),
  state: fhirString.optional(),
  postalCode: fhirString.optional(),
  country: fhirString.optional(),
  period: period.optional(),
});

export const meta = z.strictObject({
  id: z.string().optional(),
  extension: z.array(extension).optional(),
  versionId: fhirId.optional(),
  lastUpdated: z.string().optional(),
  source: fhirUri.optional(),
  profile: z.array(fhirUri).optional(),
  security: z.array(coding).optional(),
  tag: z.array(coding).optional(),
});

export const narrative = z.strictObject({
  id: z.string().optional(),
  extension: z.array(extension).optional(),
  status: z.enum(["generated", "extensions", "additional", "empty"]),
  div: z.string().min(1),
});

/** Elements every DomainResource has (FHIR R4 Resource + DomainResource). */
export const domainResourceElements = {
  id: fhirId.optional(),
  meta: meta.optional(),
  implicitRules: fhirUri.optional(),
  language: fhirCode.optional(),
  text: narrative.optional(),
  contained: z.array(element).optional(),
  extension: z.array(extension).optional(),
  modifierExtension: z.array(extension).optional(),
};
