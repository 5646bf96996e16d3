// The container's HEALTHCHECK: exit 0 when this node answers GET /health/live with 200 within 4 s, else 1.
// Loopback and the node's own (possibly self-signed) certificate, so the certificate is not checked here; the
// route touches no database, so a database outage does not make the orchestrator restart every node.
import https from "node:https";

const port = Number(process.env.MAMORI_PORT ?? "8443");
const request = https.get({ host: "127.0.0.1", port, path: "/health/live", rejectUnauthorized: false, timeout: 4000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
