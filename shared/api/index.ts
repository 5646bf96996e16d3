export * from "./session.js";
export * from "./auth.js";
export * from "./admin.js";
export * from "./errors.js";
export * from "./audit.js";
export * from "./patient-portal.js";
export * from "./uploads.js";
export * from "./keys.js";
