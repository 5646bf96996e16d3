import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import { embeddedServerVersion } from "../db/index.js";
import { createManualClock } from "../kernel/index.js";
import { openTestDatabase } from "../testing/index.js";
import { eolReport, loadEolTable, releaseLine } from "./eol.js";
import { detectInstalledVersions } from "./installed-versions.js";
import { createSupplyChain } from "./supply-chain.js";

const at = (iso: string) => new Date(iso);

describe("eolReport (VUL-1: supported versions only)", () => {
  it("reports Node.js 20 as end-of-life from 2026-04-30 and supported the day before", () => {
    const before = eolReport(at("2026-04-29T23:59:59Z"), [{ component: "Node.js", version: "20.20.2" }]);
    const on = eolReport(at("2026-04-30T00:00:00Z"), [{ component: "Node.js", version: "20.20.2" }]);
    assert.deepEqual(
      before.map((entry) => [entry.status, entry.eolDate]),
      [["supported", "2026-04-30"]],
    );
    assert.equal(on[0]?.status, "eol");
    assert.equal(on[0]?.source, "https://github.com/nodejs/Release/blob/main/schedule.json");
    assert.match(on[0]?.reviewedAt ?? "", /^\d{4}-\d{2}-\d{2}$/);
  });

  it("reports PostgreSQL 14 as end-of-life after its five years and 17 as supported on 2026-11-25", () => {
    const report = eolReport(at("2026-11-25T00:00:00Z"), [
      { component: "PostgreSQL", version: "14.19" },
      { component: "PostgreSQL", version: "17.5 (Debian 17.5-1)" },
    ]);
    assert.deepEqual(
      report.map((entry) => [entry.version, entry.status, entry.eolDate]),
      [
        ["14.19", "eol", "2026-11-12"],
        ["17.5 (Debian 17.5-1)", "supported", "2029-11-08"],
      ],
    );
  });

  it("keeps a current major without a published end date supported and an older one ended", () => {
    const report = eolReport(at("2026-11-25T00:00:00Z"), [
      { component: "fastify", version: "5.12.8" },
      { component: "fastify", version: "4.29.1" },
    ]);
    assert.deepEqual(
      report.map((entry) => [entry.status, entry.eolDate]),
      [
        ["supported", null],
        ["eol", "2025-06-30"],
      ],
    );
  });

  it("says unknown for a release line or component the table does not list", () => {
    const report = eolReport(at("2026-11-25T00:00:00Z"), [
      { component: "Node.js", version: "40.0.0" },
      { component: "left-pad", version: "1.3.0" },
    ]);
    assert.deepEqual(
      report.map((entry) => [entry.status, entry.source === null]),
      [
        ["unknown", false],
        ["unknown", true],
      ],
    );
  });

  it("treats each 0.x minor as its own release line", () => {
    assert.equal(releaseLine("0.28.19"), "0.28");
    assert.equal(releaseLine("v20.19.0"), "20");
    assert.equal(releaseLine("not a version"), undefined);
    assert.equal(eolReport(at("2026-11-25T00:00:00Z"), [{ component: "kysely", version: "0.27.6" }])[0]?.status, "eol");
  });

  it("gives every component of the shipped table a source and a review date", () => {
    for (const [name, component] of Object.entries(loadEolTable().components)) {
      assert.match(component.source, /^https:\/\//, name);
      assert.ok(Object.keys(component.majors).length > 0, name);
    }
  });
});

describe("detectInstalledVersions", () => {
  it("finds the running Node.js, the database server and the installed runtime packages", async () => {
    const db = await openTestDatabase();
    try {
      const detected = await detectInstalledVersions(db);
      const byComponent = new Map(detected.map((entry) => [entry.component, entry.version]));
      assert.equal(byComponent.get("Node.js"), process.versions.node);
      assert.match(byComponent.get("PostgreSQL") ?? "", /^\d+\.\d+/);
      assert.match(byComponent.get("fastify") ?? "", /^5\./);
      const report = eolReport(new Date("2026-11-25T00:00:00Z"), detected);
      assert.ok(report.every((entry) => entry.status !== "unknown"), JSON.stringify(report.filter((entry) => entry.status === "unknown")));
    } finally {
      await db.close();
    }
  });
});

describe("embeddedServerVersion", () => {
  it("reads the PostgreSQL version built into PGlite, the one a running instance reports", async () => {
    const pglite = await PGlite.create();
    try {
      const running = (await pglite.query<{ server_version: string }>("show server_version")).rows[0]?.server_version;
      assert.match(running ?? "", /^\d+\.\d+/);
      assert.equal(await embeddedServerVersion(), running);
    } finally {
      await pglite.close();
    }
  });
});

describe("createSupplyChain", () => {
  it("reports the end-of-life status of this installation as of its clock", async () => {
    const db = await openTestDatabase();
    try {
      const supplyChain = createSupplyChain({ db, clock: createManualClock(new Date("2026-04-30T00:00:00Z")), sbomFile: "unused.cdx.json", sbomMaxAgeMs: 1 });
      const node = (await supplyChain.eol()).find((entry) => entry.component === "Node.js");
      const major = Number(process.versions.node.split(".")[0]);
      // Node.js 20 and older are past their end on 2026-04-30; 22 and later are not.
      assert.equal(node?.status, major <= 20 ? "eol" : "supported");
    } finally {
      await db.close();
    }
  });
});
