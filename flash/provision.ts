/**
 * Provisioning a device over its USB console (DESIGN.md "Trust"): the device makes its own
 * Ed25519 key from host entropy mixed with its own (solkit.provisionKey(force, hex); the seed never leaves
 * it), the host reads back the public key, makes a per-device HMAC key and hands it over with
 * solkit.setHostKey() on a 0x10 line (the REPL does not echo it), sets the site, checks the
 * device's status says so, and records the device in the gateway's registry — the same
 * store `solkit host add-device` writes. The HMAC key is never printed or logged.
 */
import { createHash, randomBytes, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Board } from "../boards/board-type";
import { Registry } from "../host/gateway/registry";
import { openStore } from "../host/gateway/store-sqlite";
import { isPublicKey } from "../shared/crypto/strkey";
import { checkBrokerCa, checkNetConfig, PEM_BEGIN } from "../shared/protocol/net-config";
import { SolkitError } from "../shared/errors";
import { hostKeyChangeMac } from "../shared/protocol/host-key";
import { TokenIssuer } from "../host/gateway/tokens";
import { idFromStatus, probeOrOpen, tokenCounterFromStatus } from "./maintenance";
import { luaString, NodeMcuRepl } from "./nodemcu-repl";
import { probeNodeMcu } from "./nodemcu-probe";
import { closePort, openPort } from "./port-open";
import { ReplSession, type CallResult } from "./repl-session";
import { checkSite, MAX_SITE } from "../shared/protocol/topics";

export interface ProvisionOptions {
  path: string;
  baud: number;
  board: Board;
  site: string;
  /** Give an already provisioned device a new key (its unsent readings are erased). */
  force?: boolean;
  /** A name for people in the registry. */
  name?: string;
  /** The gateway's SQLite file. */
  database: string;
  /** Readings over Wi-Fi to this broker instead of the serial line (NodeMCU boards). */
  wifi?: WifiSettings;
  onNote?: (text: string) => void;
}

export interface WifiSettings {
  ssid: string;
  password: string;
  /** The gateway's broker as the device reaches it: an address on the site's network. */
  host: string;
  port: number;
  /** MQTT over TLS: the CA (PEM) the device checks the broker's certificate with. */
  ca?: string;
}

/**
 * The CA file given to --broker-ca: one PEM certificate (the device keeps it and NodeMCU's
 * TLS takes one), as text.
 * @throws SolkitError E_FIELD naming the file and what is wrong with it
 */
export function readBrokerCa(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "latin1");
  } catch (e) {
    throw new SolkitError("E_FIELD", `--broker-ca ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  const pem = text.replace(/\r\n/g, "\n").trim() + "\n";
  const first = pem.indexOf(PEM_BEGIN);
  if (first < 0) throw new SolkitError("E_FIELD", `--broker-ca ${file}: no PEM certificate in it ("${PEM_BEGIN}")`);
  if (pem.indexOf(PEM_BEGIN, first + 1) > 0) throw new SolkitError("E_FIELD", `--broker-ca ${file}: more than one certificate; give the CA that signed the broker's certificate alone`);
  const cert = pem.slice(first);
  try {
    new X509Certificate(cert);
    checkBrokerCa(cert);
  } catch (e) {
    throw new SolkitError("E_FIELD", `--broker-ca ${file}: ${(e as Error).message}`);
  }
  return cert;
}

/**
 * `host[:port]` (or mqtt://host[:port]) → host and port (default 1883).
 * @throws SolkitError E_FIELD
 */
export function parseBrokerAddress(text: string, defaultPort = 1883): { host: string; port: number } {
  const m = /^(?:mqtts?:\/\/)?([A-Za-z0-9.-]{1,64})(?::(\d{1,5}))?\/?$/.exec(text.trim());
  const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
  if (m === null || port < 1 || port > 65535) throw new SolkitError("E_FIELD", `--broker "${text.slice(0, 60)}": expected host[:port], e.g. 192.168.1.10:1883 (the gateway's address on the site's network)`);
  return { host: m[1], port };
}

/** @throws SolkitError E_FIELD when the board has no Wi-Fi program or a setting cannot be kept */
function checkWifi(board: Board, w: WifiSettings): void {
  if (board.target !== "nodemcu" || board.link.wifi !== true) {
    throw new SolkitError("E_FIELD", `--wifi: the ${board.id} program sends its readings on the serial line; Wi-Fi is for NodeMCU boards (the Pi takes --broker on its own command line)`);
  }
  // The device's own rule (it checks again when it keeps them), so nothing typed is refused there.
  checkNetConfig(w);
  if (w.ca !== undefined) checkBrokerCa(w.ca);
}

export interface ProvisionResult {
  id: string;
  site: string;
  board: string;
  database: string;
  /** The key the device had before (with force). */
  previousId?: string;
  /** The registry already had this id (updated). */
  updated: boolean;
  /** Where its readings go: "serial", or "mqtt <host>:<port> via wifi <ssid>". */
  link: string;
}

/**
 * The device program's REPL calls, in the board's own language. The calls provisioning makes
 * (`solkit.provisionKey(false,"…")`, `solkit.setHostKey("…")`, `solkit.cmd("status")`, …) read the
 * same in JavaScript and in Lua; only the line around them differs.
 */
interface DeviceRepl {
  readonly dialect: "espruino" | "nodemcu";
  call(expr: string, timeoutMs: number): Promise<CallResult>;
}

/** Espruino: a locked console is opened with a token from the registry first. */
async function espruinoRepl(s: ReplSession, o: ProvisionOptions): Promise<DeviceRepl> {
  const info = await probeOrOpen(s, o.path, o.board, o.database, o.onNote);
  if (!info.solkit) {
    throw new SolkitError("E_WRONG_FIRMWARE", `no solkit program runs on the board at ${o.path} (Espruino ${info.version} answered); flash it first: solkit flash --board ${o.board.id} --port ${o.path}`);
  }
  return { dialect: "espruino", call: (expr, t) => s.call(expr, t) };
}

/** NodeMCU: its Lua REPL, with the echo off so the host key never comes back up the cable. */
async function nodemcuRepl(s: ReplSession, o: ProvisionOptions): Promise<DeviceRepl> {
  const r = new NodeMcuRepl(s);
  const info = await probeNodeMcu(r, o.path, o.database, o.onNote);
  if (!info.solkit) {
    throw new SolkitError("E_WRONG_FIRMWARE", `no solkit program runs on the NodeMCU board at ${o.path}; flash it first: solkit flash --board ${o.board.id} --port ${o.path}`);
  }
  await r.echoOff(o.baud);
  return { dialect: "nodemcu", call: (expr, t) => r.call(expr, t) };
}

/** Characters of PEM per `solkit.caAdd` line: NodeMCU's console takes lines of at most 255. */
const CA_PART = 120;

/**
 * The broker's CA in parts (`solkit.caAdd`); `solkit.setNet` then names its SHA-256, and the
 * device keeps it only if every part arrived.
 * @throws SolkitError E_PROVISION when the device refuses a part
 */
async function sendBrokerCa(s: DeviceRepl, pem: string): Promise<void> {
  for (let at = 0; at < pem.length; at += CA_PART) {
    const r = await s.call(`solkit.caAdd(${luaString(pem.slice(at, at + CA_PART))})`, 5000);
    if (!r.ok || String(r.value) !== String(Math.min(pem.length, at + CA_PART))) throw new SolkitError("E_PROVISION", `the device refused part of the broker CA: ${String(r.value).slice(0, 100)}`);
  }
}

async function status(s: DeviceRepl): Promise<string> {
  const r = await s.call(`solkit.cmd("status")`, 5000);
  if (!r.ok || typeof r.value !== "string") throw new SolkitError("E_WRONG_FIRMWARE", `the device program did not answer status (${String(r.value).slice(0, 60)}); flash it again`);
  return r.value;
}

/** Longest a board may take to make its key (small profile on a slow STM32: about a minute). */
const KEY_TIMEOUT_MS = 600_000;

/** Polls status() until it shows an id other than `before`; undefined after `timeoutMs`. */
async function waitForNewId(s: DeviceRepl, before: string | undefined, timeoutMs: number): Promise<string | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    const id = idFromStatus(await status(s));
    if (id !== undefined && id !== before) return id;
  }
  return undefined;
}

/**
 * Provisions the device on `o.path` and registers it.
 * @throws SolkitError E_PORT_* (opening), E_NO_ANSWER, E_WRONG_FIRMWARE (no solkit program),
 *   E_PROVISIONED (has a key and no force), E_FIELD (bad site), E_PROVISION (the device refused a step)
 */
/** The HMAC key the registry holds for `id` (a copy), or undefined. */
function registeredHostKey(database: string, id: string): Uint8Array | undefined {
  const db = openStore(database);
  try {
    const rec = new Registry(db).get(id);
    return rec === undefined ? undefined : new Uint8Array(rec.hmacKey);
  } finally {
    db.close();
  }
}

/** Records the device and its host key; its token counters go on from the device's. True when the id was known. */
function register(o: ProvisionOptions, id: string, hmacKey: Uint8Array, deviceCounter: number, repl: DeviceRepl["dialect"]): boolean {
  const db = openStore(o.database);
  try {
    const reg = new Registry(db);
    const updated = reg.get(id) !== undefined;
    // The registry's repl says how the gateway writes this device's downlink lines (PROTOCOL.md 5.3).
    reg.add({ id, hmacKey, board: o.board.id, repl, name: o.name ?? "" });
    new TokenIssuer(db).atLeast(id, deviceCounter);
    return updated;
  } finally {
    db.close();
  }
}

export async function provisionDevice(o: ProvisionOptions): Promise<ProvisionResult> {
  // The one rule for site names, the topics' (PROTOCOL.md 6.1): 1 to 64 of A-Z a-z 0-9 - _ .
  try {
    checkSite(o.site);
  } catch {
    throw new SolkitError("E_FIELD", `--site "${o.site.slice(0, 40)}": use 1 to ${MAX_SITE} of A-Z a-z 0-9 - _ .`);
  }
  if (o.wifi !== undefined) checkWifi(o.board, o.wifi);
  const port = await openPort(o.path, o.baud);
  try {
    const session = new ReplSession(port, o.baud);
    const s = o.board.target === "nodemcu" ? await nodemcuRepl(session, o) : await espruinoRepl(session, o);
    const shown = await status(s);
    const before = idFromStatus(shown);
    if (before && !o.force) {
      throw new SolkitError("E_PROVISIONED", `the device is already provisioned as ${before}; pass --force to give it a new key (its unsent readings are erased)`);
    }
    // A device with a host key takes a new one only with the old key's MAC (issue 11): the old
    // key comes from the registry, checked before anything on the device changes.
    const oldHostKey = before && !/no host key/.test(shown) ? registeredHostKey(o.database, before) : undefined;
    if (before && !/no host key/.test(shown) && oldHostKey === undefined) {
      throw new SolkitError("E_PROVISIONED", `the device ${before} has a host key this registry (${o.database}) does not hold, so it cannot be replaced; erase the device, credit included: solkit flash --erase --board ${o.board.id} --port ${o.path}`);
    }
    // The device mixes these 32 bytes of host entropy into its key (E.hwRand repeats at every
    // start on Espruino: issue 9). They go out once on a no-echo line and are never stored or logged.
    const entropy = randomBytes(32).toString("hex");
    // Making the key multiplies the base point once: seconds on an ESP32, so a long wait.
    const made = await s.call(`solkit.provisionKey(${before ? "true" : "false"},"${entropy}")`, 30_000);
    let id = made.ok && typeof made.value === "string" && isPublicKey(made.value) ? made.value : undefined;
    if (made.ok && made.value === "pending") {
      // A slow board makes its key in slices (its loop, serial and watchdog keep running): wait for it.
      o.onNote?.("the device is making its key (a base multiplication: up to minutes on a slow board)…");
      id = await waitForNewId(s, before, KEY_TIMEOUT_MS);
    }
    if (id === undefined) {
      throw new SolkitError("E_PROVISION", `the device did not make a key: ${String(made.value).slice(0, 100)}`);
    }
    o.onNote?.(`device key made on the device: ${id}`);
    const hmacKey = new Uint8Array(randomBytes(32));
    const mac = oldHostKey === undefined ? "" : `,"${Buffer.from(hostKeyChangeMac(oldHostKey, hmacKey)).toString("hex")}"`;
    oldHostKey?.fill(0);
    // The registry learns the key first: a cut between the two steps then leaves a key the host
    // holds (the next provision overwrites an entry the device never took), never a device
    // locked with a key nobody has.
    const updated = register(o, id, hmacKey, tokenCounterFromStatus(shown), s.dialect);
    const set = await s.call(`solkit.setHostKey("${Buffer.from(hmacKey).toString("hex")}"${mac})`, 10_000);
    if (!set.ok) throw new SolkitError("E_PROVISION", "the device refused the host key (its answer is not shown: it may quote the key)");
    const site = await s.call(`solkit.setSite(${JSON.stringify(o.site)})`, 10_000);
    if (!site.ok) throw new SolkitError("E_PROVISION", `the device refused the site: ${String(site.value).slice(0, 100)}`);
    if (o.wifi !== undefined) {
      const w = o.wifi;
      // On the no-echo line like the host key: the passphrase never comes back up the cable.
      if (w.ca !== undefined) await sendBrokerCa(s, w.ca);
      const caHash = w.ca === undefined ? "" : `,"${createHash("sha256").update(w.ca, "latin1").digest("hex")}"`;
      const net = await s.call(`solkit.setNet(${luaString(w.ssid)},${luaString(w.password)},${luaString(w.host)},${w.port}${caHash})`, 10_000);
      if (!net.ok || typeof net.value !== "string" || !net.value.startsWith("link: wifi")) throw new SolkitError("E_PROVISION", `the device refused the Wi-Fi settings: ${String(net.value).slice(0, 100)}`);
      // A program from before TLS takes the settings and ignores the CA: it would talk in clear.
      if (w.ca !== undefined && !net.value.endsWith("(TLS)")) throw new SolkitError("E_PROVISION", `the device's program does not take a broker CA (it answered "${net.value.slice(0, 80)}"): flash a newer one, then provision again`);
    }
    const after = await status(s);
    if (idFromStatus(after) !== id || !after.includes(`site: ${o.site}`) || /no host key/.test(after)) {
      throw new SolkitError("E_PROVISION", `the device's status does not show the new settings: ${after.split("\n").slice(1, 4).join(" | ")}`);
    }
    hmacKey.fill(0);
    // Provisioned: the console locks now instead of at the end of its window (issue 11).
    await s.call("solkit.lock()", 5000);
    const link = o.wifi === undefined ? "serial" : `${o.wifi.ca === undefined ? "mqtt" : "mqtts"} ${o.wifi.host}:${o.wifi.port} via wifi "${o.wifi.ssid}"`;
    return { id, site: o.site, board: o.board.id, database: o.database, previousId: before, updated, link };
  } finally {
    await closePort(port);
  }
}
