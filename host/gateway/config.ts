/**
 * The gateway's configuration (docs/host-config.md): a JSON file, validated with every error
 * listed with its path, so an operator fixes a file in one go instead of one error per run.
 * With no file, `solkit host` runs the embedded default: an in-process broker on loopback
 * that devices and dashboards share, a SQLite file under ./.solkit/, serial discovery on.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { loadBoard } from "../../boards/validate";
import { SolkitError } from "../../shared/errors";
import { checkSite } from "../../shared/protocol/topics";
import { parseTellerConfig, type TellerConfig } from "../teller/teller-config";

export type Repl = "espruino" | "nodemcu";

export interface SerialPortConfig {
  path: string;
  baudRate: number;
  /** REPL flavour for downlink lines; when absent, the registered device's own. */
  repl?: Repl;
}

export interface BrokerConfig {
  url: string;
  username?: string;
  password?: string;
  /** PEM CA file for TLS (mqtts://); its path is resolved against the config file. */
  ca?: string;
  rejectUnauthorized: boolean;
  clientId?: string;
}

export interface GatewayConfig {
  site: string;
  /** SQLite file: registry, stored readings, upstream spool. */
  database: string;
  /** Where Wi-Fi devices publish. "embedded" = in-process aedes on host:port (port 0 = any free one). */
  devices: { embedded: { host: string; port: number; insecureRemote?: boolean; tls?: { cert: string; key: string } } } | { broker: BrokerConfig } | { none: true };
  /** Where verified readings go. Absent = the same broker as the devices (embedded default). */
  upstream?: BrokerConfig;
  serial: { discover: boolean; ports: SerialPortConfig[]; retryMs: number };
  spool: { maxBytes: number; alarmRatio: number };
  homeAssistant: { enabled: boolean; prefix: string };
  health: { enabled: boolean; host: string; port: number };
  /** Billing, payments and credit (host/teller); absent = no teller. */
  teller?: TellerConfig;
  /**
   * Check signatures on a worker thread while the event loop commits (host/crypto/verify-worker.ts).
   * Absent: on where the machine has more than one CPU (and not on a simulator's virtual clock).
   */
  verifyThread?: boolean;
  /**
   * A device program on this same machine (a Pi as both meter and gateway, issue 14): the Node
   * target's bundle run as a child process, provisioned and registered by the gateway itself.
   */
  localDevice?: LocalDeviceConfig;
}

export interface LocalDeviceConfig {
  /** A Node board (rpi4, rpi-zero-2w): its bundle is dist/<board>/firmware.cjs. */
  board: string;
  /** The device's store (keys, credit, readings), 0700. */
  data: string;
  /** Seconds between readings and readings per signature, set once at provisioning. */
  intervalS: number;
  signEvery: number;
}

const DEFAULT_BAUD = 115200;

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach a broker bound there. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The embedded default, rooted at `cwd` (./.solkit/gateway.db, broker on 127.0.0.1:1883). */
export function defaultConfig(cwd: string = process.cwd()): GatewayConfig {
  return {
    site: "local",
    database: join(cwd, ".solkit", "gateway.db"),
    devices: { embedded: { host: "127.0.0.1", port: 1883 } },
    serial: { discover: true, ports: [], retryMs: 2000 },
    spool: { maxBytes: 256 * 1024 * 1024, alarmRatio: 0.8 },
    homeAssistant: { enabled: false, prefix: "homeassistant" },
    health: { enabled: true, host: "127.0.0.1", port: 9464 },
  };
}

/** Collects errors as "path: message" while reading an untyped object. */
class Checker {
  readonly errors: string[] = [];

  err(path: string, msg: string): void {
    this.errors.push(`${path}: ${msg}`);
  }

  object(v: unknown, path: string, keys: string[]): Record<string, unknown> | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      this.err(path, `expected an object, got ${JSON.stringify(v)}`);
      return undefined;
    }
    for (const k of Object.keys(v)) if (!keys.includes(k)) this.err(`${path}.${k}`, `unknown key (expected one of ${keys.join(", ")})`);
    return v as Record<string, unknown>;
  }

  string(v: unknown, path: string, fallback: string): string {
    if (v === undefined) return fallback;
    if (typeof v !== "string" || v.length === 0) this.err(path, `expected a non-empty string, got ${JSON.stringify(v)}`);
    return typeof v === "string" ? v : fallback;
  }

  optString(v: unknown, path: string): string | undefined {
    return v === undefined ? undefined : this.string(v, path, "");
  }

  int(v: unknown, path: string, fallback: number, lo: number, hi: number): number {
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
      this.err(path, `expected an integer ${lo}..${hi}, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return v;
  }

  bool(v: unknown, path: string, fallback: boolean): boolean {
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") this.err(path, `expected true or false, got ${JSON.stringify(v)}`);
    return typeof v === "boolean" ? v : fallback;
  }

  repl(v: unknown, path: string): Repl | undefined {
    if (v === undefined) return undefined;
    if (v !== "espruino" && v !== "nodemcu") this.err(path, `expected "espruino" or "nodemcu", got ${JSON.stringify(v)}`);
    return v === "nodemcu" ? "nodemcu" : "espruino";
  }
}

/** `devices.embedded.tls`: the listener's certificate and key files, which must be there. */
function embeddedTls(c: Checker, v: unknown, base: string): { cert: string; key: string } | undefined {
  if (v === undefined) return undefined;
  const t = c.object(v, "$.devices.embedded.tls", ["cert", "key"]) ?? {};
  const file = (k: "cert" | "key"): string => {
    const path = `$.devices.embedded.tls.${k}`;
    const f = c.string(t[k], path, "");
    if (t[k] === undefined) c.err(path, `required: a PEM ${k === "cert" ? "certificate (chain)" : "private key"} file`);
    const abs = f === "" || isAbsolute(f) ? f : resolve(base, f);
    if (f !== "" && !existsSync(abs)) c.err(path, `no such file: ${abs}`);
    return abs;
  };
  return { cert: file("cert"), key: file("key") };
}

function broker(c: Checker, v: unknown, path: string, base: string): BrokerConfig {
  const o = c.object(v, path, ["url", "username", "password", "ca", "rejectUnauthorized", "clientId"]) ?? {};
  const url = c.string(o.url, `${path}.url`, "");
  if (o.url === undefined) c.err(`${path}.url`, "required (mqtt://host:1883 or mqtts://host:8883)");
  else if (!/^(mqtts?|wss?|tcp|tls):\/\/[^/]+/.test(url)) c.err(`${path}.url`, `expected mqtt://, mqtts://, ws:// or wss:// URL, got ${JSON.stringify(url)}`);
  const ca = c.optString(o.ca, `${path}.ca`);
  return {
    url,
    username: c.optString(o.username, `${path}.username`),
    password: c.optString(o.password, `${path}.password`),
    ca: ca === undefined || isAbsolute(ca) ? ca : resolve(base, ca),
    rejectUnauthorized: c.bool(o.rejectUnauthorized, `${path}.rejectUnauthorized`, true),
    clientId: c.optString(o.clientId, `${path}.clientId`),
  };
}

/**
 * A config from parsed JSON; relative paths are resolved against `base` (the file's folder).
 * @throws SolkitError E_CONFIG listing every error, one per line, each with its path
 */
export function parseConfig(raw: unknown, base: string): GatewayConfig {
  const c = new Checker();
  const d = defaultConfig(base);
  const keys = ["site", "database", "devices", "upstream", "serial", "spool", "homeAssistant", "health", "teller", "verifyThread", "localDevice"];
  const o = c.object(raw, "$", keys) ?? {};
  const site = c.string(o.site, "$.site", d.site);
  try {
    checkSite(site);
  } catch (e) {
    c.err("$.site", (e as Error).message.replace(/^topic: /, ""));
  }
  const db = c.string(o.database, "$.database", d.database);
  let devices: GatewayConfig["devices"] = d.devices;
  const dv = c.object(o.devices, "$.devices", ["embedded", "broker", "none"]);
  if (dv) {
    const n = ["embedded", "broker", "none"].filter((k) => dv[k] !== undefined);
    if (n.length !== 1) c.err("$.devices", `expected exactly one of "embedded", "broker", "none", got ${n.length}`);
    // Every branch present is checked, so all its errors are listed even when the choice is wrong.
    if (dv.embedded !== undefined) {
      const e = c.object(dv.embedded, "$.devices.embedded", ["host", "port", "insecureRemote", "tls"]) ?? {};
      const host = c.string(e.host, "$.devices.embedded.host", "127.0.0.1");
      const insecureRemote = c.bool(e.insecureRemote, "$.devices.embedded.insecureRemote", false);
      const tls = embeddedTls(c, e.tls, base);
      // Without TLS, beyond loopback the broker's traffic (readings, device passwords) crosses
      // the site's network in clear, so it takes an explicit yes (issue 11).
      if (!isLoopback(host) && !insecureRemote && tls === undefined) {
        c.err("$.devices.embedded.host", `"${host}" is not loopback and the embedded broker has no "tls" here; give it "tls": {"cert": …, "key": …} (docs/host-config.md), set "insecureRemote": true to accept clear text, or use "broker" (e.g. Mosquitto with TLS)`);
      }
      devices = { embedded: { host, port: c.int(e.port, "$.devices.embedded.port", tls === undefined ? 1883 : 8883, 0, 65535), insecureRemote, tls } };
    }
    if (dv.broker !== undefined) devices = { broker: broker(c, dv.broker, "$.devices.broker", base) };
    if (dv.none !== undefined) {
      if (dv.none !== true) c.err("$.devices.none", "expected true");
      devices = { none: true };
    }
  }
  const upstream = o.upstream === undefined ? undefined : broker(c, o.upstream, "$.upstream", base);
  if ("none" in devices && !upstream) c.err("$.upstream", `required when "devices" is {"none": true}`);
  const s = c.object(o.serial, "$.serial", ["discover", "ports", "retryMs"]) ?? {};
  const ports: SerialPortConfig[] = [];
  if (s.ports !== undefined && !Array.isArray(s.ports)) c.err("$.serial.ports", "expected an array");
  else if (Array.isArray(s.ports)) {
    s.ports.forEach((p, i) => {
      const path = `$.serial.ports[${i}]`;
      const po = c.object(p, path, ["path", "baudRate", "repl"]) ?? {};
      if (po.path === undefined) c.err(`${path}.path`, "required (e.g. /dev/ttyUSB0)");
      ports.push({ path: c.string(po.path, `${path}.path`, ""), baudRate: c.int(po.baudRate, `${path}.baudRate`, DEFAULT_BAUD, 50, 4_000_000), repl: c.repl(po.repl, `${path}.repl`) });
    });
  }
  const sp = c.object(o.spool, "$.spool", ["maxBytes", "alarmRatio"]) ?? {};
  let alarmRatio = d.spool.alarmRatio;
  if (sp.alarmRatio !== undefined) {
    if (typeof sp.alarmRatio !== "number" || !(sp.alarmRatio > 0 && sp.alarmRatio <= 1)) c.err("$.spool.alarmRatio", `expected a number in (0, 1], got ${JSON.stringify(sp.alarmRatio)}`);
    else alarmRatio = sp.alarmRatio;
  }
  const ha = c.object(o.homeAssistant, "$.homeAssistant", ["enabled", "prefix"]) ?? {};
  const h = c.object(o.health, "$.health", ["enabled", "host", "port"]) ?? {};
  const cfg: GatewayConfig = {
    site,
    database: isAbsolute(db) ? db : resolve(base, db),
    devices,
    upstream,
    serial: { discover: c.bool(s.discover, "$.serial.discover", ports.length === 0), ports, retryMs: c.int(s.retryMs, "$.serial.retryMs", 2000, 50, 600_000) },
    spool: { maxBytes: c.int(sp.maxBytes, "$.spool.maxBytes", d.spool.maxBytes, 4096, Number.MAX_SAFE_INTEGER), alarmRatio },
    homeAssistant: { enabled: c.bool(ha.enabled, "$.homeAssistant.enabled", false), prefix: c.string(ha.prefix, "$.homeAssistant.prefix", "homeassistant") },
    health: { enabled: c.bool(h.enabled, "$.health.enabled", true), host: c.string(h.host, "$.health.host", "127.0.0.1"), port: c.int(h.port, "$.health.port", 9464, 0, 65535) },
    teller: parseTellerConfig(o.teller, base, (path, msg) => c.err(path, msg)),
    verifyThread: o.verifyThread === undefined ? undefined : c.bool(o.verifyThread, "$.verifyThread", true),
    localDevice: localDevice(c, o.localDevice, base),
  };
  if (cfg.localDevice !== undefined && !("embedded" in devices)) {
    c.err("$.localDevice", `needs "devices": {"embedded": …}: the local device logs in to the gateway's own broker`);
  }
  if (c.errors.length > 0) {
    throw new SolkitError("E_CONFIG", `${c.errors.length} error(s) in the configuration:\n  ${c.errors.join("\n  ")}`);
  }
  return cfg;
}

function localDevice(c: Checker, v: unknown, base: string): LocalDeviceConfig | undefined {
  if (v === undefined) return undefined;
  const o = c.object(v, "$.localDevice", ["board", "data", "intervalS", "signEvery"]) ?? {};
  if (o.board === undefined) c.err("$.localDevice.board", "required (rpi4 or rpi-zero-2w)");
  const board = c.string(o.board, "$.localDevice.board", "");
  if (board !== "") {
    // The board's own file says whether Node runs it: a new Pi board needs no change here.
    try {
      const target = loadBoard(board).target;
      if (target !== "node") c.err("$.localDevice.board", `expected a board that runs Node (rpi4, rpi-zero-2w); "${board}" runs ${target}`);
    } catch (e) {
      c.err("$.localDevice.board", e instanceof Error ? e.message : String(e));
    }
  }
  const data = c.string(o.data, "$.localDevice.data", join(".solkit", "device"));
  return {
    board,
    data: isAbsolute(data) ? data : resolve(base, data),
    intervalS: c.int(o.intervalS, "$.localDevice.intervalS", 60, 1, 86400),
    signEvery: c.int(o.signEvery, "$.localDevice.signEvery", 10, 1, 65535),
  };
}

/**
 * Reads and validates a JSON config file.
 * @throws SolkitError E_CONFIG (unreadable, not JSON, or invalid: every error with its path)
 */
export function loadConfig(file: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new SolkitError("E_CONFIG", `cannot read ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SolkitError("E_CONFIG", `${file} is not JSON: ${(e as Error).message}`);
  }
  return parseConfig(raw, dirname(resolve(file)));
}
