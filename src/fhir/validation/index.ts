export { confidentialityOf, confidentialitySystem, type Confidentiality } from "./confidentiality.js";
export { referencedPatientId } from "./compartment.js";
export { isValidatedType, validatedTypes, type ValidatedType } from "./types.js";
export { prepareValidation, validateResource } from "./validate.js";
export { refuseImplausible } from "./plausibility.js";
