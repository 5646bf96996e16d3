export { buildApp } from "./app.js";
export { sendError } from "./errors.js";
export { loadTlsMaterial, tlsOptions, type TlsMaterial } from "./tls.js";
export { oneTimeLink } from "./routes/index.js";
export type { HttpServices } from "./context.js";
export { renderEndpointsDoc } from "./endpoint-doc.js";
export type { DeclaredRoute, RoutePolicy } from "./route-policy.js";
