/**
 * The local health endpoint: `/healthz` (JSON; HTTP 200 when the gateway can take readings,
 * 503 when the spool is full) and `/metrics` (Prometheus text). Loopback by default: it
 * tells device ids and counts, nothing secret, but nothing for the open network either.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Metrics } from "./metrics";

export interface HealthStatus {
  status: "ok" | "degraded" | "failing";
  [key: string]: unknown;
}

export interface HealthServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves /healthz and /metrics on host:port (0 = a free port).
 * @throws Error when it cannot listen
 */
export async function startHealth(host: string, port: number, metrics: Metrics, status: () => HealthStatus, page?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (page?.(req, res, path)) return; // the dashboard (host/dashboard)
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (path === "/healthz") {
      const s = status();
      res.writeHead(s.status === "failing" ? 503 : 200, { "content-type": "application/json" }).end(JSON.stringify(s) + "\n");
    } else if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(metrics.render());
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try / (the dashboard), /healthz or /metrics\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${addr.port}`,
    port: addr.port,
    close: () => new Promise<void>((res) => {
      server.closeAllConnections();
      server.close(() => res());
    }),
  };
}
