import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { renderErrorCatalogueDoc } from "../cli/error-doc.js";
import { errorCatalogue } from "./index.js";

describe("error catalogue", () => {
  for (const [code, text] of Object.entries(errorCatalogue)) {
    it(`gives ${code} a module.snake_case code, an HTTP status and Japanese and English text`, () => {
      assert.match(code, /^[a-z]+\.[a-z_]+$/);
      assert.ok(text.status >= 400 && text.status < 600);
      assert.ok(text.ja.length > 0 && /[\u3040-\u30ff\u4e00-\u9fff]/.test(text.ja));
      assert.ok(text.en.length > 0);
    });
  }

  it("has docs/errors.md up to date (run npm run docs)", async () => {
    assert.equal(await readFile("docs/errors.md", "utf8"), renderErrorCatalogueDoc());
  });
});
