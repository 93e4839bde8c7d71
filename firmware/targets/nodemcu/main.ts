/**
 * The NodeMCU bundle's entry (firmware.lua): builds the HAL from the embedded board facts,
 * starts the device program and gives the REPL the same calls as on Espruino:
 * - `solkit_rx("<body>")` (and `solkit.rx`) — a downlink frame, as the host sends it
 *   (shared/protocol/frame.ts encodeDownlinkLine, "nodemcu");
 * - `solkit.status()`, `solkit.cmd("…")`, `solkit.provisionKey(force, entropyHex)`,
 *   `solkit.setHostKey(hex)`, `solkit.setSite(name)`, `solkit.setConfig(i, s)`, `solkit.flush()`, `solkit.lock()`.
 * Once provisioned the console is locked (console-port.ts): typed lines never reach Lua.
 */
import { startDevice, type Device } from "../../app";
import type { Hal, Link } from "../../hal";
import { nodemcuClock, nodemcuTimers } from "./time";
import { nodemcuStore } from "./store";
import { nodemcuPulseMeter, nodemcuRelay } from "./io";
import { nodemcuPlatform } from "./platform";
import { nodemcuConsole } from "./console-port";
import { nodemcuLink, type DeviceLogin } from "./link-mqtt";
import { BrokerCaFile, NetStore } from "./net-config";
import { encodePublicKey } from "../../../shared/crypto/strkey";
import { toHex } from "../../../shared/bytes";
import { mqttPassword } from "../../../shared/protocol/mqtt-auth";
import { MAX_CA } from "../../../shared/protocol/net-config";

const BOARD = SOLKIT_BOARD;
const relay = nodemcuRelay(BOARD.relay); // first: the load is off before anything else runs
const timers = nodemcuTimers();
const tty = nodemcuConsole(timers);
const store = nodemcuStore();
const platform = nodemcuPlatform();
const nets = new NetStore(store);
const brokerCa = new BrokerCaFile(store, platform.sha256);
/** A CA being typed in parts (`solkit.caAdd`), kept by the next `solkit.setNet` that names its hash. */
let caTyped = "";
// The broker password is an HMAC: made again only when the host key changes.
let loginFor = "";
let login: DeviceLogin | undefined = undefined;
// Declared before the link's functions refer to it (a Lua local is not seen by code above it).
let started: Device | undefined = undefined;
const net = nodemcuLink({
  login: function (): DeviceLogin | undefined {
    if (started === undefined) return undefined; // the link's first look comes after the start
    const id = started.identity();
    if (id.seed.length === 0 || id.hmacKey.length === 0 || id.site === "") return undefined;
    const k = toHex(id.publicKey) + toHex(id.hmacKey) + id.site;
    if (k !== loginFor) login = { id: encodePublicKey(id.publicKey), site: id.site, password: mqttPassword(id.hmacKey, platform.sha256) };
    loginFor = k;
    return login;
  },
  net: function () {
    return nets.load();
  },
  ca: function (): string | undefined {
    return brokerCa.load();
  },
  print: function (line: string): void {
    print(line);
  },
  log: function (text: string): void {
    print(text);
  },
  hash: platform.sha256,
});
const link: Link = net.link;
const hal: Hal = {
  clock: nodemcuClock(),
  timers: timers,
  meter: BOARD.meter === undefined ? undefined : nodemcuPulseMeter(BOARD.meter),
  sensor: undefined,
  relay: relay,
  store: store,
  link: link,
  console: tty.console,
  platform: platform,
};
const device = startDevice(hal, BOARD.config);
started = device;
net.check();
timers.every(5000, net.check);

function rx(body: string): string {
  device.receive(body);
  return "";
}

_G.solkit_rx = rx;
_G.solkit = {
  board: BOARD.id,
  rx: rx,
  status: function (): void {
    print(device.status());
  },
  cmd: function (line: string): string {
    return tty.run(line);
  },
  provisionKey: function (force?: boolean, hostEntropyHex?: string): string {
    return device.provisionKey(force, hostEntropyHex);
  },
  setHostKey: function (hex: string, macHex?: string): string {
    return device.setHostKey(hex, macHex);
  },
  setSite: function (name: string): string {
    return device.setSite(name);
  },
  setConfig: function (intervalS: number, signEvery: number): string {
    return device.setConfig(intervalS, signEvery);
  },
  flush: function (): void {
    device.flush();
  },
  /**
   * A part of the broker's CA certificate (PEM): a console line holds at most 255 characters,
   * a certificate more than a thousand. `solkit.setNet` with the CA's SHA-256 keeps it.
   */
  caAdd: function (part: string): string {
    if (caTyped.length + part.length > MAX_CA) {
      caTyped = "";
      return `error: broker CA: more than ${MAX_CA} characters`;
    }
    caTyped = caTyped + part;
    return `${caTyped.length}`;
  },
  /**
   * Readings over Wi-Fi to the gateway's broker from now on (ssid "" goes back to the serial
   * line); with `caSha256Hex` over TLS, the broker checked against the CA typed with caAdd
   * (which must hash to it: a line lost on the cable is caught here). Typed only while the
   * console is open: provisioning, or a maintenance token.
   */
  setNet: function (ssid: string, password: string, host: string, port: number, caSha256Hex?: string): string {
    const ca = caTyped;
    caTyped = "";
    const tls = caSha256Hex !== undefined && caSha256Hex !== "";
    try {
      if (tls) {
        if (toHex(platform.sha256(solkit_string_to_bytes(ca))) !== caSha256Hex) return "error: broker CA: its SHA-256 is not the one given (a part lost?)";
        // The CA first: a cut before the journal's save leaves the old settings, with this CA.
        if (!brokerCa.save(ca)) return "error: store full";
      }
      if (!nets.save(ssid === "" ? undefined : { ssid: ssid, password: password, host: host, port: port, tls: tls })) return "error: store full";
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
    net.check(true);
    return ssid === "" ? "link: serial" : `link: wifi "${ssid}", broker ${host}:${port}${tls ? " (TLS)" : ""}`;
  },
  lock: function (): string {
    device.lock();
    return "console locked";
  },
};
