import { hostname } from "node:os";
import tls, { type TLSSocket } from "node:tls";
import { formatSyslogMessage, frameSyslogMessage } from "./syslog-message.js";
import { SinkError, type AuditSink } from "./sink.js";

export interface SyslogSinkOptions {
  host: string;
  port: number;
  /** PEM CA bundle the receiver's certificate must chain to; Node's trusted CAs when unset. */
  ca?: string | Buffer | undefined;
  name?: string;
  /** HOSTNAME of each message; this machine's name by default. */
  hostname?: string;
  connectTimeoutMs?: number;
  /** A receiver that accepts nothing for this long is dropped, and the page is sent again on a new connection. */
  writeTimeoutMs?: number;
  /** Entries sent again after a failure, since a write callback is no proof of receipt (default 1,000). */
  resendAfterFailure?: number;
  /** How long close() lets a page in flight finish before cutting the connection. */
  closeGraceMs?: number;
}

/**
 * A sink sending RFC 5424 messages to a syslog receiver over TLS (RFC 5425, octet-counting framing). The
 * receiver's certificate must chain to `ca` and match `host`. A message counts as acknowledged once its socket
 * write completed without error; on any failure the connection is dropped and the next send opens a new one
 * (the exporter paces those attempts with capped exponential backoff).
 */
export function createSyslogSink(options: SyslogSinkOptions): AuditSink {
  const { host, port } = options;
  const origin = { hostname: options.hostname ?? hostname(), procId: String(process.pid) };
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const writeTimeoutMs = options.writeTimeoutMs ?? 30_000;
  const closeGraceMs = options.closeGraceMs ?? 2_000;
  let socket: TLSSocket | undefined;
  let connecting: TLSSocket | undefined;
  let writing: Promise<void> | undefined;
  let isClosed = false;

  function connect(): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      // Certificate and host name are verified (rejectUnauthorized defaults to true and is never turned off).
      const candidate = tls.connect({ host, port, ca: options.ca, minVersion: "TLSv1.2" });
      connecting = candidate;
      const timer = setTimeout(() => candidate.destroy(new Error(`no TLS session with ${host}:${port} within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      const onError = (error: Error) => {
        settle();
        reject(error);
      };
      const onClose = () => {
        settle();
        reject(new Error(`connection to ${host}:${port} closed during the TLS handshake`));
      };
      const settle = () => {
        clearTimeout(timer);
        if (connecting === candidate) connecting = undefined;
        candidate.off("error", onError);
        candidate.off("close", onClose);
      };
      candidate.once("error", onError);
      candidate.once("close", onClose);
      candidate.once("secureConnect", () => {
        settle();
        watch(candidate);
        resolve(candidate);
      });
    });
  }

  function watch(connected: TLSSocket): void {
    connected.setNoDelay(true);
    connected.setKeepAlive(true, 30_000);
    // Errors surface through the write callbacks; this listener only keeps an idle failure from crashing the process.
    connected.on("error", () => {});
    connected.on("close", () => {
      if (socket === connected) socket = undefined;
    });
    // RFC 5425 receivers send nothing back; anything that arrives is read and dropped.
    connected.resume();
  }

  function isUsable(candidate: TLSSocket | undefined): candidate is TLSSocket {
    return candidate !== undefined && !candidate.destroyed && candidate.writable;
  }

  return {
    name: options.name ?? "syslog",
    // TCP acknowledges nothing end to end (RFC 5425 has no application ack): resend the recent past after a failure.
    resendAfterFailure: options.resendAfterFailure ?? 1_000,
    async send(entries) {
      if (isClosed) throw new SinkError("syslog sink is closed", 0);
      const frames = entries.map((entry) => frameSyslogMessage(formatSyslogMessage(entry, origin)));
      const progress = { acknowledged: 0 };
      try {
        if (!isUsable(socket)) socket = await connect();
        if (isClosed) throw new Error("syslog sink closed while connecting");
        writing = writeFrames(socket, frames, progress, writeTimeoutMs);
        await writing;
      } catch (cause) {
        socket?.destroy();
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new SinkError(`syslog delivery to ${host}:${port} failed: ${reason}`, progress.acknowledged, { cause });
      } finally {
        writing = undefined;
      }
    },
    async close() {
      isClosed = true;
      connecting?.destroy();
      if (writing) await Promise.race([writing.catch(() => {}), new Promise((resolve) => setTimeout(resolve, closeGraceMs))]);
      const open = socket;
      socket = undefined;
      if (!open || open.destroyed) return;
      await new Promise<void>((resolve) => {
        open.once("close", () => resolve());
        // end() sends TLS close_notify after anything still queued; a receiver that never answers is cut off.
        open.end();
        setTimeout(() => open.destroy(), closeGraceMs).unref();
      });
    },
  };
}

/**
 * Writes the frames in order, honouring back-pressure, and resolves once every write callback has fired.
 * `progress.acknowledged` counts the leading frames whose callback fired without error.
 */
function writeFrames(socket: TLSSocket, frames: readonly Buffer[], progress: { acknowledged: number }, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (frames.length === 0) return resolve();
    let isSettled = false;
    let next = 0;
    const finish = (error?: Error) => {
      if (isSettled) return;
      isSettled = true;
      socket.setTimeout(0);
      socket.off("timeout", onTimeout);
      socket.off("close", onClose);
      socket.off("drain", writeMore);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve();
    };
    const onClose = () => finish(new Error("connection closed"));
    const onTimeout = () => finish(new Error(`receiver accepted nothing for ${timeoutMs} ms`));
    socket.once("close", onClose);
    socket.once("timeout", onTimeout);
    socket.setTimeout(timeoutMs);

    function writeMore(): void {
      while (next < frames.length && !isSettled) {
        const index = next;
        next += 1;
        const hasRoom = socket.write(frames[index]!, (error) => {
          if (error) return finish(error);
          if (isSettled) return;
          progress.acknowledged = index + 1;
          if (index === frames.length - 1) finish();
        });
        if (!hasRoom) {
          socket.once("drain", writeMore);
          return;
        }
      }
    }
    writeMore();
  });
}
