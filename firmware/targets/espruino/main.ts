/**
 * The Espruino bundle's entry: builds the HAL from the embedded board facts, starts the device
 * program and gives the REPL one global, `solkit`:
 * - `solkit.rx("<body>")` — a downlink frame; the host sends it as "\x10solkit.rx(…)\n", so the
 *   REPL neither echoes it nor prints the result (PROTOCOL.md, serial line);
 * - `solkit.status()`, `solkit.cmd("…")`, `solkit.provisionKey(force, entropyHex)` … — for the technician and
 *   for `solkit provision`; `solkit.lock()` ends a maintenance window early.
 * Once provisioned, the REPL is locked (console-port.ts): typed lines reach the firmware's own
 * parser (console-line.ts), which runs rx, status, cmd("status"), flush and lock only.
 */
import BOARD from "solkit:board";
import { startDevice } from "../../app";
import type { Hal } from "../../hal";
import { espruinoClock, espruinoTimers } from "./time";
import { espruinoStore } from "./store";
import { espruinoAdcSensor, espruinoPulseMeter, espruinoRelay } from "./io";
import { espruinoPlatform } from "./platform";
import { consoleLink } from "./link";
import { espruinoConsole } from "./console-port";

const relay = espruinoRelay(BOARD.relay); // first: the load is off before anything else runs
const link = consoleLink();
const tty = espruinoConsole();
const hal: Hal = {
  clock: espruinoClock(),
  timers: espruinoTimers(),
  meter: BOARD.meter === undefined ? undefined : espruinoPulseMeter(BOARD.meter),
  sensor: BOARD.adc === undefined ? undefined : espruinoAdcSensor(BOARD.adc),
  relay: relay,
  store: espruinoStore(),
  link: link.link,
  console: tty.console,
  platform: espruinoPlatform(),
};
const device = startDevice(hal, BOARD.config);

global.solkit = {
  board: BOARD.id,
  rx: function (body: string): string {
    link.deliver(body);
    return "";
  },
  status: function (): void {
    console.log(device.status());
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
