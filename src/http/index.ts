export { buildApp } from "./app.js";
export { loadTlsMaterial, tlsOptions, type TlsMaterial } from "./tls.js";
export { oneTimeLink } from "./routes/index.js";
export type { HttpServices } from "./context.js";
