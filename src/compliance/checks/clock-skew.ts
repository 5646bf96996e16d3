import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";
import { outcome, type ComplianceCheck } from "../check.js";

// Seconds between the NTP era (1900) and the Unix epoch (RFC 5905 §6).
const ntpEpochOffset = 2_208_988_800;

const readTimestamp = (packet: Buffer, offset: number) => (packet.readUInt32BE(offset) - ntpEpochOffset) * 1000 + (packet.readUInt32BE(offset + 4) / 2 ** 32) * 1000;

/**
 * Asks an NTP server for the time (SNTP client mode, RFC 4330) and returns our clock's offset from it in ms, using
 * the four timestamps so network delay cancels out.
 * @throws {Error} on timeout, an unreachable server or a kiss-of-death answer.
 */
export function measureClockOffset(server: { host: string; port: number }, now: () => number, timeoutMs = 3000): Promise<{ offsetMs: number; delayMs: number; stratum: number }> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server.host) ? "udp6" : "udp4");
    const timer = setTimeout(() => finish(new Error("timeout")), timeoutMs);
    const finish = (error: Error | undefined, value?: { offsetMs: number; delayMs: number; stratum: number }) => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(value!);
    };
    const request = Buffer.alloc(48);
    request[0] = (4 << 3) | 3; // version 4, mode 3 (client)
    const sentAt = now();
    socket.once("error", (error) => finish(error));
    socket.once("message", (answer) => {
      const receivedAt = now();
      if (answer.length < 48) return finish(new Error("short answer"));
      const stratum = answer[1]!;
      if (stratum === 0) return finish(new Error("kiss-of-death"));
      const serverReceived = readTimestamp(answer, 32);
      const serverSent = readTimestamp(answer, 40);
      finish(undefined, { offsetMs: Math.round((serverReceived - sentAt + (serverSent - receivedAt)) / 2), delayMs: Math.round(receivedAt - sentAt - (serverSent - serverReceived)), stratum });
    });
    socket.send(request, server.port, server.host, (error) => error && finish(error));
  });
}

/** LOG-3: our clock agrees with the configured NTP server within the limit; unknown, with the reason, when it cannot be asked. */
export const clockSkew: ComplianceCheck = {
  id: "clock.skew",
  title: { ja: "時刻同期（NTPとの差）", en: "Clock skew against NTP" },
  async run({ config, clock }) {
    const server = config.compliance.ntpServer;
    if (!server) return outcome("unknown", "no NTP server configured (MAMORI_NTP_SERVER)", { ntpServer: null });
    const base = { ntpServer: `${server.host}:${server.port}`, maxSkewMs: config.compliance.maxClockSkewMs };
    try {
      const measured = await measureClockOffset(server, () => clock.now().getTime());
      const evidence = { ...base, offsetMs: measured.offsetMs, roundTripMs: measured.delayMs, stratum: measured.stratum };
      return Math.abs(measured.offsetMs) <= config.compliance.maxClockSkewMs ? outcome("met", "clock within the allowed skew", evidence) : outcome("not_met", "clock differs from NTP by more than allowed", evidence);
    } catch (error) {
      return outcome("unknown", `NTP server not reachable: ${error instanceof Error ? error.message : "error"}`, base);
    }
  },
};
