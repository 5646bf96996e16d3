import { parentPort, workerData } from "node:worker_threads";
import sharp from "sharp";
import { sanitise, type SanitiseLimits } from "./sanitise.js";

// One file at a time per worker; libvips' own cache would only hold hostile input longer than needed.
sharp.cache(false);
const limits = workerData as SanitiseLimits;

parentPort?.on("message", async (job: { id: number; bytes: Uint8Array; declared: string }) => {
  const outcome = await sanitise(job.bytes, job.declared, limits);
  if (outcome.ok) {
    // Hand the output over rather than copying it back.
    const copy = new Uint8Array(outcome.bytes);
    parentPort?.postMessage({ id: job.id, outcome: { ...outcome, bytes: copy } }, [copy.buffer]);
  } else {
    parentPort?.postMessage({ id: job.id, outcome });
  }
});
parentPort?.postMessage({ ready: true });
