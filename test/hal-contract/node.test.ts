/**
 * The Node target's HAL (firmware/targets/node/: time, store, io over GPIO lines, the console
 * link — the modules device.ts builds the Pi's HAL from) against the HAL contract: virtual
 * time, an in-process fake gpiochip, and the store on a real folder of this machine, with a
 * power cut injected inside the filesystem writes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { nodeClock, nodeTimers } from "../../firmware/targets/node/time";
import { fileStore, type StoreFs } from "../../firmware/targets/node/store";
import { nodePulseMeter, nodeRelay } from "../../firmware/targets/node/io";
import { consoleLineLink } from "../../firmware/targets/node/link-console";
import { virtualTime } from "../../firmware/targets/node/virtual-time";
import { FakeChip } from "../firmware/targets/fake-chip";
import { halContract, type HalSubject } from "./contract";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** node:fs, but the power fails after `budget` more bytes reach a file: the write stops there. */
function cuttableFs(): StoreFs & { cutAfter(n: number): void } {
  let budget = Infinity;
  const writeSync = ((fd: number, buf: Uint8Array, off: number, len: number, pos: number): number => {
    if (budget <= 0) throw new Error("power cut");
    const n = Math.min(len, budget);
    budget -= n;
    const wrote = fs.writeSync(fd, buf, off, n, pos);
    if (n < len) throw new Error("power cut");
    return wrote;
  }) as typeof fs.writeSync;
  return { ...fs, writeSync, cutAfter: (n: number) => (budget = n) };
}

function subject(dir: string): HalSubject {
  const time = virtualTime();
  const chip = new FakeChip(() => time.now());
  const cfs = cuttableFs();
  const relay = nodeRelay(chip, [{ pin: "GPIO17", activeHigh: true }]);
  const meter = nodePulseMeter(chip, { pin: "GPIO22", edge: "falling", pull: "up", debounceMs: 20 });
  const lines: string[] = [];
  const link = consoleLineLink((l) => lines.push(l));
  return {
    clock: nodeClock(time),
    timers: nodeTimers(time),
    relay,
    meter,
    store: fileStore({ dir, quotaBytes: 256 * 1024, fs: cfs }),
    link: link.link,
    advance: (ms) => time.advance(ms),
    pulse: (n) => {
      for (let i = 0; i < n; i++) {
        chip.edge(22, "falling");
        time.advance(50);
      }
    },
    loadPowered: () => chip.level(17) === 1,
    deliver: (body) => link.deliver(body),
    sent: () => lines,
    stepRtc: () => {}, // uptime is CLOCK_MONOTONIC: `date -s` on the Pi moves nothing the HAL reads
    bytes: (v) => Uint8Array.from(v),
    cutAfter: (n) => cfs.cutAfter(n),
    reboot: async () => subject(dir),
  };
}

halContract("Node target (a Pi) with a fake gpiochip and a real data folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "solkit-node-hal-"));
  dirs.push(dir);
  return subject(dir);
});
