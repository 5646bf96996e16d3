import { z } from "zod";
import {
  address,
  codeableConcept,
  contactPoint,
  domainResourceElements,
  element,
  fhirDate,
  fhirDateTime,
  humanName,
  identifier,
} from "./datatypes.js";

/**
 * FHIR R4 Patient (https://hl7.org/fhir/R4/patient.html), with every element of the base resource so valid
 * resources are never refused. JP Core Patient adds kanji/kana names as two HumanName entries told apart by the
 * iso21090-EN-representation extension (IDE = kanji, SYL = kana) and the 患者番号 identifier.
 */
export const patientSchema = z.strictObject({
  resourceType: z.literal("Patient"),
  ...domainResourceElements,
  identifier: z.array(identifier).optional(),
  active: z.boolean().optional(),
  name: z.array(humanName).optional(),
  telecom: z.array(contactPoint).optional(),
  gender: z.enum(["male", "female", "other", "unknown"]).optional(),
  birthDate: fhirDate.optional(),
  deceasedBoolean: z.boolean().optional(),
  deceasedDateTime: fhirDateTime.optional(),
  address: z.array(address).optional(),
  maritalStatus: codeableConcept.optional(),
  multipleBirthBoolean: z.boolean().optional(),
  multipleBirthInteger: z.number().int().optional(),
  photo: z.array(element).optional(),
  contact: z.array(element).optional(),
  communication: z.array(element).optional(),
  generalPractitioner: z.array(element).optional(),
  managingOrganization: element.optional(),
  link: z.array(element).optional(),
});

export type Patient = z.infer<typeof patientSchema>;
