/**
 * A loopback Mamori for the scanners: a signed-in doctor with one synthetic patient. Writes the target (base URL,
 * session cookie, patient id) as JSON to the path given, then serves until terminated.
 * Run by test/scanners/run-scanners.sh; MAMORI_WAF_MODE in the environment selects block or detect-only.
 */
import { writeFile } from "node:fs/promises";
import { createPatient, startTestApp } from "../../src/testing/index.js";

const targetFile = process.argv[2];
if (!targetFile) throw new Error("usage: serve.ts <target.json>");
const app = await startTestApp({ env: { MAMORI_WAF_MODE: process.env["MAMORI_WAF_MODE"] ?? "block" } });
const doctor = await app.signedInUser("doctor");
const patientId = await createPatient(doctor);
const cookie = [...doctor.client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
await writeFile(targetFile, JSON.stringify({ baseUrl: app.baseUrl, cookie, patientId, mode: app.config.waf.mode }), { mode: 0o600 });
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
