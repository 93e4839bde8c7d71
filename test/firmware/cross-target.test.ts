/**
 * One device program, three runtimes, the same frames byte for byte (issue 14): the same
 * identity (key, host key, site) in each store before the first boot, the same S0 pulses at
 * the same virtual times, the same quarter hour — and the `@SK1:` lines each prints are equal:
 * - Espruino: dist/esp32-devkitc/firmware.js on the emulated ESP32;
 * - NodeMCU: dist/nodemcu-esp32/firmware.lua in real lua5.3 (simulator/lua), and the same bundle
 *   as an LFS image in NodeMCU's own Lua core (luac.cross -F: the VM a chip runs, 64-bit numbers);
 * - Node (a Pi): the Node target's bundle, with an S0 input on GPIO22 instead of the INA219,
 *   required as a module on virtual time (simulator/node).
 * Readings, signatures (deterministic Ed25519), the hash chain, the framing: all must agree.
 */
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../boards/validate";
import type { Board } from "../../boards/board-type";
import { ensureFirmware } from "../../simulator/scenario/artifact";
import { emulatedBoard, installFirmware } from "../../simulator/espruino/from-board";
import { NodeMcuBoard } from "../../simulator/lua/nodemcu-board";
import { NodeBoard } from "../../simulator/node/node-board";
import { nodeBundle } from "../../toolchain/node-target";
import type { SimBoard } from "../../simulator/scenario/sim-board";
import { IdentityStore } from "../../firmware/identity";
import { publicKeyFromSeed } from "../../shared/crypto/ed25519/signer";
import { decodeFrameBody, visibleLine } from "../../shared/protocol/frame";
import { decodeReading } from "../../shared/protocol/reading";
import { FakeFlash } from "./fake-hal";

const MINUTES = 15;

/** The identity files as the firmware writes them (firmware/identity.ts over a flash-like store). */
function identityFiles(): Map<string, Uint8Array> {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
  const flash = new FakeFlash(64 * 1024);
  new IdentityStore(flash).save({ seed, publicKey: publicKeyFromSeed(seed), hmacKey: new Uint8Array(32).fill(0x42), site: "golden" });
  return flash.files;
}

/** Boots `board` with the identity, gives it pulses for MINUTES, returns its frame lines. */
function run(board: SimBoard, meterPin: string, boot: () => void): string[] {
  let text = "";
  board.onConsoleOutput((t) => (text += t));
  boot();
  for (let m = 0; m < MINUTES; m++) {
    const at = board.now;
    board.pulse(meterPin, 3 + (m % 4), 60_000, { at, widthMs: 50, activeLow: true }); // 180–360 W
    board.advance(60_000);
  }
  // As the host reads the line: what a terminal shows (Espruino's REPL redraws its prompt around it).
  return text.split("\n").map((l) => visibleLine(l.replace(/\r$/, "")).trim()).filter((l) => l.startsWith("@SK1:"));
}

describe("the same frames from Espruino, NodeMCU (lua5.3, and NodeMCU's core from LFS) and Node", () => {
  it(`prints the same ${"@SK1:"} lines for the same key, times and pulses`, async () => {
    const files = identityFiles();
    const esp = loadBoard("esp32-devkitc");
    const espFw = (await ensureFirmware(esp.id)).code;
    const e = emulatedBoard(esp, 1);
    const espruino = run(e, "D25", () => {
      e.powerOn();
      installFirmware(e, espFw);
      for (const [name, bytes] of files) e.storage.write(name, bytes);
      e.powerOff();
      e.powerOn();
    });

    const mcu = loadBoard("nodemcu-esp32");
    const onLua = (lfs: boolean, code: string): string[] => {
      const m = new NodeMcuBoard(mcu, code, 1, { lfs });
      try {
        return run(m, "GPIO25", () => {
          for (const [name, bytes] of files) m.putFile(name, bytes);
          m.powerOn();
        });
      } finally {
        m.dispose();
      }
    };
    const luaCode = (await ensureFirmware(mcu.id)).code;
    const lua = onLua(false, luaCode);
    const lfs = onLua(true, luaCode);

    const pi4 = loadBoard("rpi4");
    const s0Pi: Board = { ...pi4, pins: { ...pi4.pins, sensor: undefined, meterInput: { pin: "GPIO22", impPerKWh: 1000, edge: "falling", pull: "up", debounceMs: 20 } } };
    const n = new NodeBoard(s0Pi, (await nodeBundle(s0Pi)).code, 1);
    const node = run(n, "GPIO22", () => {
      for (const [name, bytes] of files) n.putFile(name, bytes);
      n.powerOn();
    });

    // Ten readings a quarter hour at the default 60 s, the tenth signed: the drain sends them all
    // (and again on each retry: no host acks here).
    expect(new Set(espruino).size).toBe(10);
    const readings = espruino.map((l) => decodeReading(decodeFrameBody(l.slice(5)).message));
    expect(readings.some((r) => r.energyIn > 0)).toBe(true);
    expect(decodeFrameBody(espruino[espruino.length - 1].slice(5)).signature.length).toBe(64);
    expect(lua).toEqual(espruino);
    expect(lfs).toEqual(espruino);
    expect(node).toEqual(espruino);
  }, 300_000);
});
