/**
 * The NodeMCU bundle's entry (firmware.lua): builds the HAL from the embedded board facts,
 * starts the device program and gives the REPL the same calls as on Espruino:
 * - `solkit_rx("<body>")` (and `solkit.rx`) — a downlink frame, as the host sends it
 *   (shared/protocol/frame.ts encodeDownlinkLine, "nodemcu");
 * - `solkit.status()`, `solkit.cmd("…")`, `solkit.provisionKey(force, entropyHex)`,
 *   `solkit.setHostKey(hex)`, `solkit.setSite(name)`, `solkit.setConfig(i, s)`, `solkit.flush()`, `solkit.lock()`.
 * Once provisioned the console is locked (console-port.ts): typed lines never reach Lua.
 */
import { startDevice } from "../../app";
import type { Hal, Link } from "../../hal";
import { nodemcuClock, nodemcuTimers } from "./time";
import { nodemcuStore } from "./store";
import { nodemcuPulseMeter, nodemcuRelay } from "./io";
import { nodemcuPlatform } from "./platform";
import { nodemcuConsole } from "./console-port";

const BOARD = SOLKIT_BOARD;
const relay = nodemcuRelay(BOARD.relay); // first: the load is off before anything else runs
let handler: (body: string) => void = function (): void {};
const link: Link = {
  send: function (line: string): void {
    print(line);
  },
  onReceive: function (h: (body: string) => void): void {
    handler = h;
  },
  isUp: function (): boolean {
    return true;
  },
};
const timers = nodemcuTimers();
const tty = nodemcuConsole(timers);
const hal: Hal = {
  clock: nodemcuClock(),
  timers: timers,
  meter: BOARD.meter === undefined ? undefined : nodemcuPulseMeter(BOARD.meter),
  sensor: undefined,
  relay: relay,
  store: nodemcuStore(),
  link: link,
  console: tty.console,
  platform: nodemcuPlatform(),
};
const device = startDevice(hal, BOARD.config);

function rx(body: string): string {
  handler(body);
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
  lock: function (): string {
    device.lock();
    return "console locked";
  },
};
