import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { ConfigError, loadConfig, renderConfigurationDoc } from "./index.js";

describe("configuration", () => {
  it("starts with no settings at all on embedded defaults", () => {
    const config = loadConfig({});
    assert.equal(config.port, 8443);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.session.idleMs, 15 * 60_000);
    assert.equal(config.session.absoluteMs, 12 * 3_600_000);
    assert.equal(config.publicUrl.origin, "https://localhost:8443");
    assert.ok(Object.isFrozen(config.session));
  });

  it("names every invalid setting in one message", () => {
    assert.throws(
      () => loadConfig({ MAMORI_PORT: "eighty", MAMORI_PASSWORD_MIN_LENGTH: "6", DATABASE_URL: "mysql://x" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((problem) => problem.split(":")[0]).sort(), ["DATABASE_URL", "MAMORI_PASSWORD_MIN_LENGTH", "MAMORI_PORT"]);
        return true;
      },
    );
  });

  it("refuses a plain-HTTP public URL", () => {
    assert.throws(() => loadConfig({ MAMORI_PUBLIC_URL: "http://clinic.example" }), ConfigError);
  });

  it("refuses a certificate without its key", () => {
    assert.throws(() => loadConfig({ MAMORI_TLS_CERT_FILE: "/etc/ssl/cert.pem" }), /set together/);
  });

  it("has docs/configuration.md up to date with the schema (run npm run docs)", async () => {
    assert.equal(await readFile("docs/configuration.md", "utf8"), renderConfigurationDoc());
  });
});
