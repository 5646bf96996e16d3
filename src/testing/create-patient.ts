import { buildPatient } from "./builders.js";
import type { SignedInUser } from "./test-app.js";

/** Creates a synthetic Patient as a signed-in clinician over the FHIR API; returns its id, or throws unless 201. */
export async function createPatient(user: SignedInUser, overrides: Parameters<typeof buildPatient>[0] = {}): Promise<string> {
  const created = await user.client.post("/fhir/R4/Patient", buildPatient(overrides), { contentType: "application/fhir+json" });
  if (created.status !== 201) throw new Error(`patient create failed: ${created.status} ${created.text}`);
  return created.json.id as string;
}
