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

  it("signs audit checkpoints every 5 seconds by default and reads the peers' checkpoint folders named", () => {
    assert.equal(loadConfig({}).audit.checkpoints.everyMs, 5_000);
    assert.deepEqual(loadConfig({}).audit.checkpoints.peerDirs, []);
    assert.deepEqual(loadConfig({ MAMORI_AUDIT_CHECKPOINT_PEER_DIRS: "/mnt/node-b/checkpoints, /mnt/node-c/checkpoints" }).audit.checkpoints.peerDirs, ["/mnt/node-b/checkpoints", "/mnt/node-c/checkpoints"]);
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

  it("sends mail by SMTP only when configured with a sender, otherwise to the pickup folder in the data folder", () => {
    const pickup = loadConfig({ MAMORI_DATA_DIR: "/var/lib/mamori", MAMORI_PUBLIC_URL: "https://clinic.example" }).mail;
    assert.deepEqual(pickup, { smtpUrl: undefined, from: "no-reply@clinic.example", pickupDir: "/var/lib/mamori/mail-outbox" });
    const smtp = loadConfig({ MAMORI_SMTP_URL: "smtps://relay.example:465", MAMORI_MAIL_FROM: "portal@clinic.example" }).mail;
    assert.deepEqual([smtp.smtpUrl, smtp.from], ["smtps://relay.example:465", "portal@clinic.example"]);
    assert.throws(() => loadConfig({ MAMORI_SMTP_URL: "smtps://relay.example:465" }), /MAMORI_MAIL_FROM/);
    assert.throws(() => loadConfig({ MAMORI_SMTP_URL: "https://relay.example", MAMORI_MAIL_FROM: "portal@clinic.example" }), /MAMORI_SMTP_URL/);
  });

  it("reads rate limits per class as count per window, and off", () => {
    const defaults = loadConfig({}).rateLimits;
    assert.deepEqual(defaults.ip, { limit: 1200, windowMs: 60_000 });
    assert.deepEqual(defaults.auth, { limit: 60, windowMs: 60_000 });
    const config = loadConfig({ MAMORI_RATE_LIMIT_ACCOUNT: "50/5m", MAMORI_RATE_LIMIT_CLIENT: "off", MAMORI_RATE_LIMIT_IP: "10000/1h" });
    assert.deepEqual(config.rateLimits.account, { limit: 50, windowMs: 300_000 });
    assert.deepEqual(config.rateLimits.ip, { limit: 10_000, windowMs: 3_600_000 });
    assert.equal(config.rateLimits.client, undefined);
    assert.throws(() => loadConfig({ MAMORI_RATE_LIMIT_IP: "0/60s" }), /MAMORI_RATE_LIMIT_IP/);
    assert.throws(() => loadConfig({ MAMORI_RATE_LIMIT_AUTH: "10 per minute" }), /MAMORI_RATE_LIMIT_AUTH/);
  });

  it("reads administrator and security officer networks as IPv4/IPv6 CIDR lists (NET-1)", () => {
    assert.deepEqual(loadConfig({}).networks, { admin: [], securityOfficer: [] });
    const config = loadConfig({ MAMORI_ADMIN_NETWORKS: " 10.1.0.0/16, fd00:1::/64,192.0.2.7 ,", MAMORI_SECURITY_NETWORKS: "2001:db8::1" });
    assert.deepEqual(config.networks, { admin: ["10.1.0.0/16", "fd00:1::/64", "192.0.2.7"], securityOfficer: ["2001:db8::1"] });
    assert.throws(() => loadConfig({ MAMORI_ADMIN_NETWORKS: "10.1.0.0/33" }), /MAMORI_ADMIN_NETWORKS/);
    assert.throws(() => loadConfig({ MAMORI_SECURITY_NETWORKS: "clinic.example" }), /MAMORI_SECURITY_NETWORKS/);
  });

  it("refuses a Redis URL of another scheme", () => {
    assert.equal(loadConfig({ REDIS_URL: "rediss://cache.example:6380" }).redisUrl, "rediss://cache.example:6380");
    assert.throws(() => loadConfig({ REDIS_URL: "http://cache.example" }), /REDIS_URL/);
  });

  it("has docs/configuration.md up to date with the schema (run npm run docs)", async () => {
    assert.equal(await readFile("docs/configuration.md", "utf8"), renderConfigurationDoc());
  });
});
