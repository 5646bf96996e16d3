export { startTestApp, type TestApp, type SignedInUser } from "./test-app.js";
export { createTestClient, type TestClient, type TestResponse } from "./http-client.js";
export { buildAuditEntry, buildPatient } from "./builders.js";
export { openTestDatabase } from "./test-database-handle.js";
export { uploadCorpus } from "./upload-corpus.js";
export { startFakeClamd } from "./fake-clamd.js";
export { waitFor } from "./wait-for.js";
export { createPatient } from "./create-patient.js";
export { createHttpsFetch } from "./https-fetch.js";
