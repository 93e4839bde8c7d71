/**
 * The built bundle itself, run on the emulated Espruino board it was built for: it boots from
 * .bootcde, is provisioned over the REPL, counts meter pulses, and prints readings that the
 * host's verifier accepts — the same bytes `solkit flash` uploads.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { cachedFirmware } from "../build-cache";
import { encodeToken, TOKEN_ADD_CREDIT } from "../../shared/protocol/token";
import { encodeDownlinkLine, encodeFrame } from "../../shared/protocol/frame";
import { emulatedBoard, flashAndBoot } from "../../simulator/espruino/from-board";
import { LineParser } from "../../shared/protocol/frame";
import { decodePublicKey } from "../../shared/crypto/strkey";
import { StreamVerifier, type Verdict } from "../../host/verify/stream-verifier";
import { nodeVerifier } from "../../host/crypto/node-verifier";
import { runWithAckingHost } from "./acking-host";

const board = loadBoard("esp32-devkitc");
let code = "";

beforeAll(async () => {
  code = (await cachedFirmware(board)).code;
}, 120_000);

function boot(seed: number) {
  const emu = emulatedBoard(board, seed, { callbackTimeoutMs: 0 });
  let text = "";
  emu.onConsoleOutput((t) => {
    text += t;
  });
  flashAndBoot(emu, code);
  return { emu, out: () => text };
}

describe("the esp32-devkitc bundle on an emulated ESP32", () => {
  it("an unprovisioned board says so and keeps the relay open", () => {
    const { emu, out } = boot(1);
    emu.advance(5_000);
    expect(out()).toMatch(/UNPROVISIONED/);
    expect(emu.pinLevel("D26")).toBe(0); // relay, active high: open
    expect(out()).not.toMatch(/Uncaught/);
  });

  it("a relay pin written from the console is driven back within a tick (issue 11)", () => {
    const { emu, out } = boot(4);
    emu.advance(2_000);
    emu.consoleInput("\x10digitalWrite(D26,1)\n"); // the customer's USB cable: load on, no credit
    emu.advance(10);
    expect(emu.pinLevel("D26")).toBe(1);
    emu.advance(1_500);
    expect(emu.pinLevel("D26")).toBe(0);
    expect(out()).not.toMatch(/Uncaught/);
  });

  it("a console stepping the clock back every second does not stretch credit (issue 11)", () => {
    const { emu, out } = boot(5);
    const key = new Uint8Array(32).fill(0x5a);
    const id = emu.runCode("solkit.provisionKey(false, '3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c')").value as string;
    emu.runCode(`solkit.setHostKey("${Buffer.from(key).toString("hex")}")`);
    const t = encodeToken({ tokenKind: TOKEN_ADD_CREDIT, deviceId: decodePublicKey(id), counter: 1, amount: 600, config: [] }, key);
    emu.consoleInput(encodeDownlinkLine(encodeFrame(t), "espruino"));
    emu.advance(1000);
    // A loud failure if the status line changes: never a silent pass (issue 10's power-cut lesson).
    const credit = () => Number(/credit: (\d+) s left/.exec(emu.runCode("solkit.cmd('status')").value as string)![1]);
    const c0 = credit();
    expect(c0).toBeGreaterThan(590);
    emu.consoleInput("\x10setInterval(function(){setTime(getTime()-0.95)},1000)\n"); // 20x, if it worked
    for (let i = 0; i < 120; i++) emu.advance(1000);
    const spent = c0 - credit();
    expect(spent).toBeGreaterThanOrEqual(118);
    expect(spent).toBeLessThanOrEqual(122);
    expect(emu.pinLevel("D26")).toBe(1); // still credit left: the load stays on
    expect(out()).not.toMatch(/Uncaught/);
  });

  it("provisioned over the REPL, it signs an hour of readings the host verifies", () => {
    const { emu, out } = boot(2);
    const id = emu.runCode("solkit.provisionKey(false, '3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c')").value as string;
    expect(id).toMatch(/^G[A-Z2-7]{55}$/);
    emu.runCode(`solkit.setHostKey("${"11".repeat(32)}")`);
    emu.pulse("D25", 300, 3_600_000, { activeLow: true, widthMs: 50 }); // 300 Wh at 1000 imp/kWh
    for (let t = 0; t < 3_660_000; t += 60_000) emu.advance(60_000);

    const verdicts: Verdict<number>[] = [];
    const engine = new StreamVerifier<number>(nodeVerifier);
    const parser = new LineParser();
    let n = 0;
    for (const ev of parser.push(out())) if (ev.frame) verdicts.push(...engine.add(ev.frame, n++));
    verdicts.push(...engine.finish());

    expect(out()).not.toMatch(/Uncaught/);
    const fresh = verdicts.filter((v) => v.status !== "duplicate"); // unacked readings are re-sent
    expect(fresh.length).toBeGreaterThanOrEqual(50);
    expect(fresh.filter((v) => v.status !== "valid")).toEqual([]);
    expect(new Set(verdicts.map((v) => v.device))).toEqual(new Set([id]));
    const last = fresh.map((v) => v.reading!).sort((a, b) => b.seq - a.seq)[0];
    expect(last.energyIn).toBeGreaterThan(250_000); // mWh: the pulses were counted
    expect(last.energyIn).toBeLessThanOrEqual(300_000);
    expect(last.outbox).toBe(last.seq); // nothing acked: every earlier reading still waits
    console.log(`esp32-devkitc bundle: ${fresh.length} verified readings in a simulated hour; longest block ${emu.longestBlock.ms.toFixed(1)} ms (${emu.longestBlock.what})`);
  });

  it("a damaged base-point table file: no signature, the reason in status, readings kept; the right file mends it", () => {
    const { emu, out } = boot(6);
    const id = emu.runCode("solkit.provisionKey(false, '3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c')").value as string;
    emu.runCode(`solkit.setHostKey("${"11".repeat(32)}")`);
    const table = emu.storage.read("ed25519.tbl")!;
    expect(table.length).toBe(24576);
    // A cable pulled mid-flash leaves the file at its full size with 0xFF past the cut.
    const cut = Uint8Array.from(table);
    cut.fill(0xff, 20_000);
    emu.storage.write("ed25519.tbl", cut);
    emu.powerOff();
    emu.powerOn();
    for (let t = 0; t < 600_000; t += 60_000) emu.advance(60_000);
    const status = () => emu.runCode("solkit.cmd('status')").value as string;
    expect(status()).toMatch(/0 signed.*last signature failed: E_TABLE: Storage file ed25519.tbl damaged \(CRC differs\)/);
    expect(status()).toMatch(/outbox: (\d\d+) unacked/); // the readings wait, unsigned
    const before = new LineParser().push(out()).filter((ev) => ev.frame !== undefined && ev.frame.signature.length > 0).length;
    expect(before).toBe(0);

    // Mended without a restart (an open console writing the file): the next job loads it, and
    // status no longer reports the old failure.
    emu.storage.write("ed25519.tbl", table); // what solkit flash sends when the hashes differ
    for (let t = 0; t < 600_000; t += 60_000) emu.advance(60_000); // the next signed reading (signEvery 10)
    expect(status()).toMatch(/idle \([1-9]\d* signed, longest step \d+ ms\)/);
    expect(status()).not.toContain("failed");
    const verdicts: Verdict<number>[] = [];
    const engine = new StreamVerifier<number>(nodeVerifier);
    let n = 0;
    for (const ev of new LineParser().push(out())) if (ev.frame) verdicts.push(...engine.add(ev.frame, n++));
    verdicts.push(...engine.finish());
    const fresh = verdicts.filter((v) => v.status !== "duplicate");
    expect(fresh.filter((v) => v.status !== "valid")).toEqual([]);
    expect(fresh.length).toBeGreaterThanOrEqual(10); // the ten minutes without a table too
    expect(new Set(fresh.map((v) => v.device))).toEqual(new Set([id]));
  });

  it("a host that acks over the REPL (\\x10solkit.rx) drains the outbox", () => {
    const { emu, out } = boot(3);
    const key = new Uint8Array(32).fill(0x22);
    const id = emu.runCode("solkit.provisionKey(false, '3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c')").value as string;
    emu.runCode(`solkit.setHostKey("${Buffer.from(key).toString("hex")}")`);
    const deviceId = decodePublicKey(id);
    const run = runWithAckingHost(emu, out, deviceId, key, 3_600_000);
    const acked = run.acked;
    const fresh = run.fresh.length;
    expect(run.bad).toEqual([]);
    emu.advance(1000); // the last ack is a data event on the locked console: the loop runs it
    const status = emu.runCode("solkit.cmd('status')").value as string;
    expect(out()).toMatch(/rx ack seq \d+: \d+ reading\(s\) acked/);
    expect(acked).toBeGreaterThanOrEqual(49);
    expect(fresh).toBeGreaterThanOrEqual(50);
    expect(status, out().slice(-3000)).toMatch(/outbox: [0-9] unacked/); // only readings since the last signature wait
    expect(out()).not.toMatch(/Uncaught|E_BAD_MAC/);
  });
});
