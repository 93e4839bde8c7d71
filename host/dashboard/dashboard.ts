/**
 * The host's page (issue 13), served beside /healthz on the host's loopback port: `/` and its
 * assets (uPlot from the package, no CDN: many sites have no internet), `/api/state` (the
 * snapshot), `/api/events` (server-sent events: each verified batch of readings, notices, and a
 * nudge when the teller's books change). The page reconnects by itself across a host restart.
 *
 * Read-only unless the host was started with an admin token (SOLKIT_ADMIN_TOKEN): then
 * `POST /api/devices/<id>/topup {"days": n}` and `/disconnect` take `Authorization: Bearer
 * <token>`, compared in constant time. Without a token those routes do not exist (404).
 */
import { createReadStream, existsSync } from "node:fs";
import { timingSafeEqual, createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "../gateway/store-sqlite";
import type { Registry } from "../gateway/registry";
import type { Logger } from "../gateway/log";
import type { VerifiedBatch } from "../gateway/pipeline";
import type { Notice, Teller } from "../teller/teller";
import { TOKEN_ADD_CREDIT, TOKEN_DISCONNECT } from "../../shared/protocol/token";
import { isPublicKey } from "../../shared/crypto/strkey";
import { readingView, snapshot } from "./snapshot";

const WWW = join(dirname(fileURLToPath(import.meta.url)), "www");
const UPLOT = dirname(createRequire(import.meta.url).resolve("uplot/package.json"));
const ASSETS: Record<string, { file: string; type: string }> = {
  "/": { file: join(WWW, "index.html"), type: "text/html; charset=utf-8" },
  "/assets/app.js": { file: join(WWW, "app.js"), type: "text/javascript; charset=utf-8" },
  "/assets/style.css": { file: join(WWW, "style.css"), type: "text/css; charset=utf-8" },
  "/assets/uplot.js": { file: join(UPLOT, "dist", "uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "/assets/uplot.css": { file: join(UPLOT, "dist", "uPlot.min.css"), type: "text/css; charset=utf-8" },
};

export interface DashboardOptions {
  db: Db;
  registry: Registry;
  teller?: Teller;
  site: string;
  /** Gateway events: "verified" (VerifiedBatch), "notice" (Notice), "teller" (books changed). */
  events: EventEmitter;
  adminToken?: string;
  logger: Logger;
  now?: () => number;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

export function dashboard(o: DashboardOptions): { handle: RouteHandler; close(): void } {
  const now = o.now ?? Date.now;
  const clients = new Set<ServerResponse>();
  const send = (event: string, data: unknown) => {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of clients) c.write(text);
  };
  const onVerified = (v: VerifiedBatch) => send("readings", {
    device: v.device, now: now(),
    readings: v.readings.map((r) => ({ ...readingView(r.reading, r.receivedAt, v.bySeq), receivedAt: r.receivedAt })),
  });
  const onNotice = (n: Notice) => send("notice", n);
  const onTeller = () => send("teller", {});
  o.events.on("verified", onVerified);
  o.events.on("notice", onNotice);
  o.events.on("teller", onTeller);
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(": keep-alive\n\n");
  }, 15_000);

  const admin = (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    const m = /^\/api\/devices\/([A-Z0-9]{56})\/(topup|disconnect)$/.exec(path);
    if (!m) return false;
    if (o.adminToken === undefined) {
      json(res, 404, { error: "read-only dashboard: start the host with SOLKIT_ADMIN_TOKEN to top up or disconnect from here" });
      return true;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return true;
    }
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ") || !sameSecret(auth.slice(7), o.adminToken)) {
      json(res, 401, { error: "the admin token is missing or wrong" });
      return true;
    }
    const [, id, action] = m;
    if (!isPublicKey(id) || o.registry.get(id) === undefined) {
      json(res, 404, { error: `no device ${id.slice(0, 12)}… in the registry` });
      return true;
    }
    if (o.teller === undefined) {
      json(res, 409, { error: "the host runs no teller: add a teller section to its configuration" });
      return true;
    }
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
      if (body.length > 1024) req.destroy();
    });
    req.on("end", () => {
      let days = 0;
      if (action === "topup") {
        try {
          days = Number((JSON.parse(body || "{}") as { days?: unknown }).days);
        } catch {
          days = NaN;
        }
        if (!(days > 0 && days <= 365)) return json(res, 400, { error: 'expected {"days": n}, 0 < n ≤ 365' });
      }
      const counter = o.teller!.grant(id, action === "topup" ? TOKEN_ADD_CREDIT : TOKEN_DISCONNECT, Math.round(days * 86400), "the dashboard");
      o.logger.log("info", "dashboard", `device=${id} ${action === "topup" ? `top-up of ${days} day(s)` : "disconnect"} from the dashboard: token ${counter}`);
      send("teller", {});
      json(res, 200, { device: id, token: counter });
    });
    return true;
  };

  const handle: RouteHandler = (req, res, path) => {
    if (path.startsWith("/api/devices/")) return admin(req, res, path);
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const asset = ASSETS[path === "/index.html" ? "/" : path];
    if (asset) {
      if (!existsSync(asset.file)) {
        res.writeHead(500, { "content-type": "text/plain" }).end(`missing ${asset.file}\n`);
        return true;
      }
      res.writeHead(200, { "content-type": asset.type, "cache-control": "no-cache" });
      createReadStream(asset.file).pipe(res);
      return true;
    }
    if (path === "/api/state") {
      const device = new URL(req.url ?? "/", "http://x").searchParams.get("device") ?? undefined;
      json(res, 200, snapshot({ db: o.db, registry: o.registry, teller: o.teller, site: o.site, adminEnabled: o.adminToken !== undefined, now: now(), device }));
      return true;
    }
    if (path === "/api/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write("retry: 1000\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return true;
    }
    return false;
  };
  return {
    handle,
    close: () => {
      clearInterval(heartbeat);
      o.events.off("verified", onVerified);
      o.events.off("notice", onNotice);
      o.events.off("teller", onTeller);
      for (const c of clients) c.end();
      clients.clear();
    },
  };
}
