/**
 * Not part of any firmware: the program the HAL contract suite (test/hal-contract/nodemcu.test.ts)
 * loads on the simulated NodeMCU board. It builds the target's HAL pieces — exactly the modules
 * main.ts uses — on fixed pins (relay GPIO26 active high, S0 meter GPIO25 falling edge) and
 * leaves them on the global `halProbe`, with a console link like main.ts's.
 */
import type { Link } from "../../hal";
import { nodemcuClock, nodemcuTimers } from "./time";
import { nodemcuStore } from "./store";
import { nodemcuPulseMeter, nodemcuRelay } from "./io";

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
_G.halProbe = {
  clock: nodemcuClock(),
  timers: nodemcuTimers(),
  relay: nodemcuRelay([{ pin: 26, activeHigh: true }]),
  meter: nodemcuPulseMeter({ pin: 25, edge: "falling", pull: "up", debounceMs: 5 }),
  store: nodemcuStore(),
  link: link,
  deliver: function (body: string): void {
    handler(body);
  },
};
