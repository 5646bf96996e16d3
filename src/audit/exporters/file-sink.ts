import { open } from "node:fs/promises";
import type { RecordedAuditEntry } from "../entry.js";
import { toOcsfEvent } from "./ocsf.js";
import { SinkError, type AuditSink } from "./sink.js";

/**
 * A sink writing one OCSF JSON object per line to a file, or to standard output when `target` is "-". A page
 * counts as acknowledged once the file's data is synced to disk (fdatasync) or stdout's write callback fired.
 * The file is opened for each page (append, mode 0600 when created), so a log rotated by renaming is followed.
 */
export function createFileSink(options: { target: string; name?: string; stdout?: NodeJS.WritableStream }): AuditSink {
  const { target } = options;
  const stdout = options.stdout ?? process.stdout;
  let isClosed = false;
  let writing: Promise<void> | undefined;

  async function appendToFile(data: string): Promise<void> {
    const handle = await open(target, "a", 0o600);
    try {
      await handle.appendFile(data, "utf8");
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  function writeToStdout(data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      stdout.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  return {
    name: options.name ?? "file",
    async send(entries) {
      if (isClosed) throw new SinkError("file sink is closed", 0);
      if (entries.length === 0) return;
      const data = toJsonLines(entries);
      writing = target === "-" ? writeToStdout(data) : appendToFile(data);
      try {
        await writing;
      } catch (cause) {
        // A short write may have landed part of the page; it is sent again whole (receivers de-duplicate by seq).
        throw new SinkError(`writing the SIEM export to ${target === "-" ? "stdout" : target} failed`, 0, { cause });
      } finally {
        writing = undefined;
      }
    },
    async close() {
      isClosed = true;
      await writing?.catch(() => {});
    },
  };
}

/** One OCSF event per line; JSON.stringify escapes line breaks inside strings, so a line is always one event. */
function toJsonLines(entries: readonly RecordedAuditEntry[]): string {
  return entries.map((entry) => `${JSON.stringify(toOcsfEvent(entry))}\n`).join("");
}
