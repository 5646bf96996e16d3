export { startTestApp, type TestApp, type SignedInUser } from "./test-app.js";
export { createTestClient, type TestClient, type TestResponse } from "./http-client.js";
export { buildPatient } from "./builders.js";
export { openTestDatabase } from "./test-database-handle.js";
