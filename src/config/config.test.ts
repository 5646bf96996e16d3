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

  it("turns on a SIEM sink only when its setting is given", () => {
    assert.deepEqual(loadConfig({}).siem, {});
    const config = loadConfig({ MAMORI_SIEM_FILE: "-", MAMORI_SIEM_SYSLOG_URL: "tls://siem.example", MAMORI_SIEM_SYSLOG_CA_FILE: "/etc/mamori/siem-ca.pem" });
    assert.deepEqual(config.siem, { file: "-", syslog: { host: "siem.example", port: 6514, caFile: "/etc/mamori/siem-ca.pem" } });
    assert.equal(loadConfig({ MAMORI_SIEM_SYSLOG_URL: "tls://[2001:db8::1]:1514" }).siem.syslog?.host, "2001:db8::1");
  });

  it("refuses a syslog URL that is not tls://host:port", () => {
    assert.throws(() => loadConfig({ MAMORI_SIEM_SYSLOG_URL: "tcp://siem.example:514" }), /MAMORI_SIEM_SYSLOG_URL/);
    assert.throws(() => loadConfig({ MAMORI_SIEM_SYSLOG_URL: "tls://siem.example:6514/path" }), /MAMORI_SIEM_SYSLOG_URL/);
    assert.throws(() => loadConfig({ MAMORI_SIEM_SYSLOG_CA_FILE: "/etc/mamori/siem-ca.pem" }), /MAMORI_SIEM_SYSLOG_URL is not/);
  });

  it("has docs/configuration.md up to date with the schema (run npm run docs)", async () => {
    assert.equal(await readFile("docs/configuration.md", "utf8"), renderConfigurationDoc());
  });
});
