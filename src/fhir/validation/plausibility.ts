import { AppError } from "../../kernel/index.js";
import type { FhirResource } from "../resources/index.js";

/**
 * Facts FHIR R4 allows but no record of a person can hold, refused before they are stored (a registration typo
 * would otherwise give a patient an age below zero on every screen and document). Today's date is taken at UTC+14,
 * the earliest calendar on Earth, so no time zone's legitimate "born today" is refused.
 * @throws {AppError} `fhir.unprocessable` (422) naming the element.
 */
export function refuseImplausible(resource: FhirResource, now: Date): void {
  if (resource.resourceType !== "Patient") return;
  const birthDate = typeof resource["birthDate"] === "string" ? resource["birthDate"] : undefined;
  if (birthDate === undefined) return;
  const latestToday = new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
  // FHIR dates are YYYY, YYYY-MM or YYYY-MM-DD: each compares correctly as text with the same-length prefix of today.
  if (birthDate > latestToday.slice(0, birthDate.length)) {
    throw new AppError("fhir.unprocessable", { expression: ["Patient.birthDate"], detail: "birth date is in the future" });
  }
}
