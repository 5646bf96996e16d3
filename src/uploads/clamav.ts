import net from "node:net";

export type ScanResult = { infected: false } | { infected: true; signature: string };

const chunkSize = 64 * 1024;

/**
 * Scans bytes with clamd over its Unix socket using the INSTREAM command (clamd(8): "zINSTREAM", then chunks each
 * prefixed with a 4-byte big-endian length, ended by a zero length; the answer is "stream: OK" or
 * "stream: <signature> FOUND").
 * @throws {Error} when clamd cannot be reached, answers with an error, or does not answer in time (callers fail closed).
 */
export function scanWithClamd(socketPath: string, bytes: Uint8Array, timeoutMs: number): Promise<ScanResult> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const replies: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error("clamd timed out")));
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => replies.push(chunk));
    socket.on("close", () => {
      const answer = Buffer.concat(replies).toString("utf8").replace(/\0/g, "").trim();
      const found = /^stream: (.+) FOUND$/.exec(answer);
      if (found) resolve({ infected: true, signature: found[1]! });
      else if (answer === "stream: OK") resolve({ infected: false });
      else reject(new Error(`clamd answered: ${answer.slice(0, 200) || "nothing"}`));
    });
    socket.on("connect", () => {
      socket.write("zINSTREAM\0");
      for (let offset = 0; offset < bytes.length; offset += chunkSize) {
        const chunk = bytes.subarray(offset, offset + chunkSize);
        const length = Buffer.alloc(4);
        length.writeUInt32BE(chunk.length);
        socket.write(length);
        socket.write(chunk);
      }
      socket.write(Buffer.alloc(4));
    });
  });
}
