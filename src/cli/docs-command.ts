import { writeFile } from "node:fs/promises";
import { renderConfigurationDoc } from "../config/index.js";
import { renderEndpointsDocOfFreshApp } from "./endpoints-doc.js";
import { renderErrorCatalogueDoc } from "./error-doc.js";

/** `mamori docs`: regenerates the documents written from the code (settings, errors, endpoints). */
export async function runDocs(): Promise<number> {
  await writeFile("docs/configuration.md", renderConfigurationDoc());
  await writeFile("docs/errors.md", renderErrorCatalogueDoc());
  await writeFile("docs/endpoints.md", await renderEndpointsDocOfFreshApp());
  process.stdout.write("wrote docs/configuration.md, docs/errors.md and docs/endpoints.md\n");
  return 0;
}
