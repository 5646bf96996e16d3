import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../config/index.js";
import { renderEndpointsDoc } from "../http/index.js";
import { createMamori } from "../main.js";

/**
 * docs/endpoints.md from the routes a real app registers: a throwaway instance on an in-memory database and a
 * temporary data folder, built and closed without listening.
 */
export async function renderEndpointsDocOfFreshApp(): Promise<string> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "mamori-docs-"));
  try {
    const config = loadConfig({ MAMORI_DATA_DIR: dataDir, MAMORI_LOG_LEVEL: "silent" });
    const mamori = await createMamori(config, { memoryDatabase: true, logger: pino({ level: "silent" }) });
    try {
      return renderEndpointsDoc(mamori.app.declaredRoutes());
    } finally {
      await mamori.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
