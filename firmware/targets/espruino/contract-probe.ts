/**
 * Not part of any firmware: the program the HAL contract suites (test/hal-contract/) load on
 * the emulated Espruino board. It builds the target's HAL pieces, exactly the modules main.ts
 * uses, on fixed pins (relay D26 active high, meter D25 rising edge) and leaves them on the
 * global `halProbe` for the suites to drive.
 */
import { espruinoClock, espruinoTimers } from "./time";
import { espruinoStore } from "./store";
import { espruinoPulseMeter, espruinoRelay } from "./io";
import { consoleLink } from "./link";

const link = consoleLink();
global.halProbe = {
  clock: espruinoClock(),
  timers: espruinoTimers(),
  relay: espruinoRelay([{ pin: "D26", activeHigh: true }]),
  meter: espruinoPulseMeter({ pin: "D25", edge: "rising", pull: "down", debounceMs: 5 }),
  store: espruinoStore(),
  link: link.link,
  deliver: link.deliver,
};
