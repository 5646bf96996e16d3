import net from "node:net";

/** A loopback TCP proxy in front of a server (PostgreSQL), which a test can take down and bring back. */
export interface TcpProxy {
  readonly port: number;
  /** Rewrites a connection URL so it goes through the proxy. */
  via(url: string): string;
  /** From now on connections are forwarded to the target. */
  up(): void;
  /** Cuts every forwarded connection and refuses new ones, as a server that restarts or goes away would. */
  down(): void;
  /** Connections forwarded since the proxy started. */
  readonly forwarded: number;
  close(): Promise<void>;
}

/**
 * Starts the proxy on a free loopback port, down (refusing) or up. A refused connection is reset at once, which the
 * client sees as the server going away; a cut one loses both of its sockets, as in a restart.
 */
export async function startTcpProxy(target: { host: string; port: number }, initially: "up" | "down"): Promise<TcpProxy> {
  let accepting = initially === "up";
  let forwarded = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!accepting) {
      client.resetAndDestroy();
      return;
    }
    forwarded += 1;
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const down = () => {
    accepting = false;
    for (const socket of open) socket.resetAndDestroy();
  };
  return {
    port,
    via(url) {
      const through = new URL(url);
      through.hostname = "127.0.0.1";
      through.port = String(port);
      return through.toString();
    },
    up() {
      accepting = true;
    },
    down,
    get forwarded() {
      return forwarded;
    },
    close() {
      down();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
