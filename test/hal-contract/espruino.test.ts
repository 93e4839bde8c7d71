/**
 * The Espruino target's HAL (firmware/targets/espruino/: time, store, io, link — the modules
 * main.ts uses) against the HAL contract, on the emulated ESP32 board: contract-probe.ts
 * builds them and the suite drives them through the board's pins, clock and flash.
 */
import { beforeAll } from "vitest";
import { join } from "node:path";
import { buildEspruinoBundle } from "../../toolchain/espruino";
import { EspruinoBoard } from "../../simulator/espruino/board";
import { ESP32_PINS } from "../simulator/espruino/helpers";
import { halContract, type HalSubject } from "./contract";
import { visibleLine } from "../../shared/protocol/frame";

const ENTRY = join(__dirname, "..", "..", "firmware", "targets", "espruino", "contract-probe.ts");
let probeCode = "";

beforeAll(async () => {
  probeCode = (await buildEspruinoBundle({ entry: ENTRY, minify: false })).code;
}, 120_000);

function boot(board: EspruinoBoard, lines: string[]): HalSubject {
  const r = board.runCode(probeCode, "contract-probe.js");
  if (!r.ok) throw new Error(`contract-probe did not load: ${String(r.value)}`);
  const p = board.runCode("halProbe").value as any;
  const subject: HalSubject = {
    clock: p.clock,
    timers: p.timers,
    relay: p.relay,
    meter: p.meter,
    store: p.store,
    link: p.link,
    advance: (ms) => board.advance(ms),
    pulse: (n) => {
      board.pulse("D25", n, n * 50);
      board.advance(n * 50 + 50);
    },
    loadPowered: () => board.pinLevel("D26") === 1,
    deliver: (body) => p.deliver(body),
    // As the host reads the wire: what a terminal shows of each line (the REPL redraws its prompt).
    sent: () => lines.join("").split("\n").map((l) => visibleLine(l.replace(/\r$/, ""))),
    stepRtc: (s) => {
      board.runCode(`setTime(getTime() + ${s})`);
    },
    bytes: (v) => board.runCode(`new Uint8Array([${v.join(",")}])`).value as Uint8Array,
    cutAfter: (n) => board.cutAfterBytes(n),
    reboot: async () => {
      board.powerOff();
      board.powerOn();
      lines.length = 0;
      return boot(board, lines);
    },
  };
  return subject;
}

halContract("Espruino target on the emulated ESP32", async () => {
  const board = new EspruinoBoard({ pins: ESP32_PINS, jsVars: 16383, flashBytes: 64 * 4096, pageBytes: 4096, seed: 1 });
  const lines: string[] = [];
  board.onConsoleOutput((t) => lines.push(t));
  board.powerOn();
  return boot(board, lines);
});
