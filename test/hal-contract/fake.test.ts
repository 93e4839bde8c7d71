/** The tests' fake HAL (test/firmware/fake-hal.ts) against the HAL contract. */
import { FakeBoard, FakeFlash } from "../firmware/fake-hal";
import { halContract, type HalSubject } from "./contract";

function subject(flash: FakeFlash): HalSubject {
  const b = new FakeBoard(flash);
  return {
    clock: b.hal.clock,
    timers: b.hal.timers,
    relay: b.hal.relay,
    meter: b.hal.meter!,
    store: b.hal.store,
    link: b.hal.link,
    advance: (ms) => b.advance(ms),
    pulse: (n) => {
      b.pulses += n;
      b.advance(n * 50);
    },
    loadPowered: () => b.relayClosed,
    deliver: (body) => b.rxHandler?.(body),
    sent: () => b.sent,
    stepRtc: () => {}, // the fake has no RTC: uptime is its own counter
    bytes: (v) => Uint8Array.from(v),
    cutAfter: (n) => flash.armCut(n),
    reboot: async () => subject(flash),
  };
}

halContract("fake HAL (test/firmware/fake-hal.ts)", async () => subject(new FakeFlash(256 * 1024)));
