import assert from "node:assert/strict";
import net from "node:net";
import { eicarTestString } from "../uploads/index.js";

/** A tiny clamd speaking INSTREAM on a Unix socket: it finds EICAR and nothing else. */
export async function startFakeClamd(socketPath: string): Promise<net.Server> {
  const server = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const command = "zINSTREAM\0";
      if (buffered.length < command.length) return;
      assert.equal(buffered.subarray(0, command.length).toString(), command);
      const parts: Buffer[] = [];
      let offset = command.length;
      while (offset + 4 <= buffered.length) {
        const length = buffered.readUInt32BE(offset);
        if (length === 0) {
          const found = Buffer.concat(parts).includes(eicarTestString());
          socket.end(found ? "stream: Eicar-Test-Signature FOUND\0" : "stream: OK\0");
          return;
        }
        if (offset + 4 + length > buffered.length) return;
        parts.push(buffered.subarray(offset + 4, offset + 4 + length));
        offset += 4 + length;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return server;
}
