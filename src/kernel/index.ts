export { AppError, isAppError } from "./app-error.js";
export { errorCatalogue, describeError, type ErrorCode, type ErrorText } from "./error-catalogue.js";
export { systemClock, createManualClock, type Clock } from "./clock.js";
export type { Principal, RequestOrigin } from "./principal.js";
export { newId, newSecretToken, newIncidentId } from "./ids.js";
export { seededRandom } from "./seeded-random.js";
