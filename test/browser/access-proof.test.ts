import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { createPatient, startTestApp, type TestApp } from "../../src/testing/index.js";
import { chromiumSkip, launchChromium, signedInPage } from "./browser-support.js";

// The patient downloads the proof of an access from the history and checks it with the published verifier, here
// inside the browser (WebCrypto Ed25519), as an offline page would.
describe("access history proof download and in-browser check (browser)", { skip: chromiumSkip, timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  before(async () => {
    app = await startTestApp({ env: { MAMORI_ORGANISATION_NAME: "試験クリニック" } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("downloads the proof of a row and the published verifier accepts it in the page, and refuses it altered", async () => {
    const doctor = await app.signedInUser("doctor");
    const patientId = await createPatient(doctor);
    await doctor.client.get(`/fhir/R4/Patient/${patientId}`);
    const patient = await app.signedInPatient(doctor, patientId);
    await app.mamori.audit.checkpointNow();
    const problems: string[] = [];
    const { context, page } = await signedInPage(browser, app.baseUrl, patient.client, problems);
    try {
      await page.goto(`${app.baseUrl}/`);
      await page.getByTestId("access-history").waitFor();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByText("証明をダウンロード").first().click()]);
      const proof = JSON.parse(await readFile((await download.path())!, "utf8")) as { access: { seq: number }; entryHash: string };
      const firstRowSeq = ((await patient.client.get("/api/me/access-history")).json.items as Array<{ seq: number }>)[0]!.seq;
      assert.equal(proof.access.seq, firstRowSeq);

      const results = await page.evaluate(async ({ downloaded, verifierUrl }) => {
        // The URL is passed in so TypeScript does not look for a module of that name in the repository.
        const verifier = (await import(verifierUrl)) as { verifyAccessProof: (proof: unknown, keys: unknown) => Promise<{ valid: boolean }> };
        const keys = await (await fetch("/.well-known/mamori-audit-keys")).json();
        const altered = { ...downloaded, entryHash: `${downloaded.entryHash.slice(0, 63)}${downloaded.entryHash.endsWith("0") ? "1" : "0"}` };
        return [(await verifier.verifyAccessProof(downloaded, keys)).valid, (await verifier.verifyAccessProof(altered, keys)).valid];
      }, { downloaded: proof, verifierUrl: "/verify-audit-proof.mjs" });
      assert.deepEqual(results, [true, false]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
