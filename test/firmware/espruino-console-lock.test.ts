/**
 * The Espruino target's console lock (firmware/targets/espruino/console-port.ts) in the built
 * bundle on the emulated ESP32, driven as the customer's USB cable would: once provisioned,
 * JavaScript typed on the console does not run (the relay, the host key and the clock stay as
 * they are), the host's frames still do, and a maintenance token opens the REPL for its
 * seconds. The same on the real interpreter: test/device/console-lock.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadBoard } from "../../boards/validate";
import { cachedFirmware } from "../build-cache";
import { encodeToken, TOKEN_ADD_CREDIT, TOKEN_MAINTENANCE } from "../../shared/protocol/token";
import { encodeDownlinkLine, encodeFrame } from "../../shared/protocol/frame";
import { emulatedBoard, flashAndBoot } from "../../simulator/espruino/from-board";
import { decodePublicKey } from "../../shared/crypto/strkey";

const board = loadBoard("esp32-devkitc");
let code = "";
const KEY = new Uint8Array(32).fill(0x3e);

beforeAll(async () => {
  code = (await cachedFirmware(board)).code;
}, 120_000);

function provisioned(seed: number) {
  const emu = emulatedBoard(board, seed, { callbackTimeoutMs: 0 });
  let text = "";
  emu.onConsoleOutput((t) => {
    text += t;
  });
  flashAndBoot(emu, code);
  const id = emu.runCode(`solkit.provisionKey(false, "${"5d".repeat(32)}")`).value as string;
  emu.runCode(`solkit.setHostKey("${Buffer.from(KEY).toString("hex")}")`);
  const deviceId = decodePublicKey(id);
  const token = (kind: number, counter: number, amount: number, key = KEY) =>
    encodeDownlinkLine(encodeFrame(encodeToken({ tokenKind: kind, deviceId, counter, amount, config: [] }, key)), "espruino");
  const type = (line: string) => {
    const before = text.length;
    emu.consoleInput(line);
    emu.advance(1100); // the lock answers a refusal at most once a second
    return text.slice(before);
  };
  return { emu, out: () => text, token, type };
}

describe("the esp32-devkitc bundle's locked console (emulated)", () => {
  it("stays open for provisioning, locks after its window or at lock(), and at every boot", () => {
    const { emu, type } = provisioned(1);
    expect(type("1+1\n")).toContain("=2");
    emu.advance(300_000);
    expect(type("1+1\n")).toMatch(/console locked: /);
    emu.powerOff();
    emu.powerOn();
    emu.advance(2_000);
    expect(type("1+1\n")).toMatch(/console locked: /);
  });

  it("refuses the cable's attacks: relay, host key, clock; the host's frames still work", () => {
    const { emu, type, token, out } = provisioned(2);
    expect(type("solkit.lock()\n")).toContain("console locked");
    expect(type("\x10digitalWrite(D26,1)\n")).toMatch(/console locked: /);
    emu.advance(5);
    expect(emu.pinLevel("D26")).toBe(0);
    type(`solkit.setHostKey("${"66".repeat(32)}")\n`);
    type(token(TOKEN_ADD_CREDIT, 1, 3600, new Uint8Array(32).fill(0x66)));
    expect(out()).toMatch(/rx token rejected: E_BAD_MAC/);
    type("setInterval(function(){setTime(getTime()-0.95)},1000)\n");
    type("\x03\x03\n");
    type(token(TOKEN_ADD_CREDIT, 1, 600));
    expect(out()).toMatch(/rx token 1: credit \+600 s/);
    emu.advance(1_500);
    expect(emu.pinLevel("D26")).toBe(1);
    emu.advance(120_000);
    const status = type("solkit.status()\n");
    expect(status).toMatch(/credit: 4[78]\d s left/); // two minutes of real uptime went, not 20× less
    expect(status).toMatch(/console: locked/);
    expect(out()).not.toMatch(/Uncaught/);
  });

  it("a maintenance token opens the REPL for its seconds; a replay does not", () => {
    const { emu, type, token, out } = provisioned(3);
    type("solkit.lock()\n");
    type(token(TOKEN_MAINTENANCE, 1, 60));
    expect(out()).toMatch(/rx token 1: console open for 60 s/);
    expect(type("1+1\n")).toContain("=2");
    emu.advance(61_000);
    expect(type("1+1\n")).toMatch(/console locked: /);
    type(token(TOKEN_MAINTENANCE, 1, 60));
    expect(out()).toMatch(/rx token rejected: E_REPLAY/);
    expect(type("1+1\n")).toMatch(/console locked: /);
  });

  it("a flood of short lines gets five refusals a second, not one each; a bare Enter or Ctrl-C none", () => {
    const { type } = provisioned(5);
    type("solkit.lock()\n");
    expect(type("x\n".repeat(300)).match(/console locked:/g)?.length).toBe(5);
    expect(type("\x03\x03\n\n\r\n")).toBe("");
  });

  it("drops a line longer than any command without keeping it", () => {
    const { type } = provisioned(4);
    type("solkit.lock()\n");
    expect(type("A".repeat(4000))).toBe("");
    expect(type("\nsolkit.status()\n")).toMatch(/console: locked/);
  });
});
