import { readFile } from "node:fs/promises";
import type { Config } from "../../config/index.js";
import type { Database } from "../../db/index.js";
import type { Clock } from "../../kernel/index.js";
import type { AuditWriter } from "../writer.js";
import { createAuditExporter, type AuditExporter, type ExporterStatus } from "./exporter.js";
import { createFileSink } from "./file-sink.js";
import type { AuditSink } from "./sink.js";
import { createSyslogSink } from "./syslog-sink.js";

/** The running SIEM export: one loop per configured sink. */
export interface SiemExport {
  status(): ExporterStatus[];
  /** Stops every loop; call before the database closes. */
  stop(): Promise<void>;
}

/**
 * Starts an export loop for each configured sink (JSON lines file or stdout, syslog over TLS) and wakes them on
 * every audit append. With no sink configured it starts nothing.
 * @throws when MAMORI_SIEM_SYSLOG_CA_FILE cannot be read, so a broken setting stops start-up.
 */
export async function startSiemExport(deps: {
  db: Database;
  audit: Pick<AuditWriter, "onAppend">;
  clock: Clock;
  settings: Config["siem"];
  onError?: (sink: string, error: unknown, retryInMs: number) => void;
}): Promise<SiemExport> {
  const { settings } = deps;
  const sinks: AuditSink[] = [];
  if (settings.file !== undefined) sinks.push(createFileSink({ target: settings.file }));
  if (settings.syslog !== undefined) {
    const { host, port, caFile } = settings.syslog;
    sinks.push(createSyslogSink({ host, port, ca: caFile === undefined ? undefined : await readFile(caFile) }));
  }
  const exporters: AuditExporter[] = sinks.map((sink) =>
    createAuditExporter({ db: deps.db, sink, clock: deps.clock, onError: (error, retryInMs) => deps.onError?.(sink.name, error, retryInMs) }),
  );
  if (exporters.length > 0) {
    deps.audit.onAppend((entries) => {
      const latestSeq = entries.at(-1)?.seq;
      for (const exporter of exporters) exporter.wake(latestSeq);
    });
  }
  for (const exporter of exporters) exporter.start();
  return {
    status: () => exporters.map((exporter) => exporter.status()),
    async stop() {
      await Promise.all(exporters.map((exporter) => exporter.stop()));
    },
  };
}
