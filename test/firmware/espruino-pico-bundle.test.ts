/**
 * The espruino-pico bundle — the "tiny" profile (small's signer, short console, error codes
 * without messages, internal property names mangled) with native SHA-256 and the portable
 * SHA-512 — run on the emulated Pico (48 KiB Storage, 5100 variables): provisioned over the
 * REPL, acked by a host, its readings verify; a credit token with a wrong MAC is refused, a
 * good one is taken, a replayed one is refused.
 *
 * `solkit build` still refuses the Pico (the tiny bundle is over the 31 744 bytes planStorage
 * allows), so the bundle is made with the build's own pass (firmware.ts `bundle`) and a
 * two-segment outbox, which the emulated 48 KiB Storage holds without the compaction reserve.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { measureProfile, type ProfileFit } from "../../toolchain/firmware";
import { cachedBundle } from "../build-cache";
import { emulatedBoard, flashAndBoot } from "../../simulator/espruino/from-board";
import { encodeDownlinkLine, encodeFrame } from "../../shared/protocol/frame";
import { encodeToken, TOKEN_ADD_CREDIT } from "../../shared/protocol/token";
import { decodePublicKey } from "../../shared/crypto/strkey";
import { runWithAckingHost } from "./acking-host";

const board = loadBoard("espruino-pico");
let code = "";
let fit: ProfileFit;

beforeAll(async () => {
  fit = await measureProfile(board, "tiny");
  code = await cachedBundle(board, "tiny", 32);
}, 120_000);

describe("the espruino-pico bundle (tiny profile) on an emulated Espruino Pico", () => {
  it("is under 43 900 bytes with its variables in budget, still over what planStorage allows (31 744)", () => {
    // 36.7 KB before issue 9; host-entropy keys, key and flush work in time slices and the plain error class took ~1.9 KB,
    // the native field multiplication, table lookup and base64, the scalar arithmetic in rows and terser's inline: 1 ~0.5 KB,
    // and the small profile's 8-point table (1 KB of text: signing 1.5× faster) the rest. Issue 10's split of
    // Core into the state each module owns (sampling, uplink, acks) cost ~140 bytes (41 010); issue 11's
    // uptime in interval periods and the MAC'd host-key change ~360 more (41 370); its locked console
    // (the line matcher, the port's lock, the status lines a host opens it with, refusals at most
    // once a second) ~2 200 more (43 550); the signer saying why it cannot sign (status: E_TABLE
    // when the full build's table file is bad; every profile shares signing.ts) ~220 more (43 768).
    expect(fit.bytes).toBeLessThan(43_900);
    expect(fit.estimate).toBeLessThan(5100 * 0.75);
    // When this fails the Pico builds: turn this file into a buildFirmware test.
    expect(fit.problem).toMatch(/leaves too little of espruino-pico's 49152-byte Storage/);
    // The REPL's names survive property mangling; messages are gone, codes stay.
    for (const name of ["provisionKey", "setHostKey", "setSite", "setConfig", "flush", "status", "rx", "cmd"]) expect(code).toContain(name);
    expect(code).toContain("E_BAD_MAC");
  });

  it("provisioned over the REPL and acked by a host, it signs readings the host verifies and takes a good token only", () => {
    // The bundle does not fit the Pico's 48 KiB of Storage with a two-segment outbox (the test
    // above): this run gives the emulated Pico 4 KiB more so that the program itself is tested.
    const roomier = { ...board, limits: { ...board.limits!, storageBytes: board.limits!.storageBytes! + 4096 } };
    const emu = emulatedBoard(roomier, 7, { callbackTimeoutMs: 0 });
    let text = "";
    emu.onConsoleOutput((t) => {
      text += t;
    });
    flashAndBoot(emu, code);
    expect(emu.runCode("solkit.cmd('status')").value).toMatch(/UNPROVISIONED: no device key/);
    const key = new Uint8Array(32).fill(0x5a);
    const id = emu.runCode("solkit.provisionKey(false, '3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c')").value as string;
    expect(id).toMatch(/^G[A-Z2-7]{55}$/);
    emu.runCode(`solkit.setHostKey("${Buffer.from(key).toString("hex")}")`);
    emu.runCode(`solkit.setSite("bench-7")`);
    const status = emu.runCode("solkit.cmd('status')").value as string;
    expect(status).toContain(`id: ${id}`);
    expect(status).toContain("site: bench-7");
    expect(status).not.toMatch(/no host key/);
    const deviceId = decodePublicKey(id);
    const token = (counter: number, tokenKey: Uint8Array): void => {
      const t = encodeToken({ tokenKind: TOKEN_ADD_CREDIT, deviceId, counter, amount: 3600, config: [] }, tokenKey);
      emu.consoleInput(encodeDownlinkLine(encodeFrame(t), "espruino"));
      emu.advance(1000);
    };
    token(1, new Uint8Array(32).fill(0x11)); // wrong key: refused
    expect(text).toMatch(/rejected: E_BAD_MAC/);
    expect(emu.runCode("solkit.cmd('status')").value).toMatch(/credit: 0 s/);
    token(1, key);
    expect(emu.runCode("solkit.cmd('status')").value).toMatch(/credit: 3[56]\d\d s, relay closed/);
    token(1, key); // replayed: refused
    expect(emu.runCode("solkit.cmd('status')").value).toMatch(/credit: 3[56]\d\d s/);

    emu.pulse("B3", 120, 3_600_000, { activeLow: true, widthMs: 50 });
    const run = runWithAckingHost(emu, () => text, deviceId, key, 3_660_000);
    const fresh = run.fresh.length;
    const bad = run.bad;
    const acked = run.acked;
    const newestEnergy = run.fresh.reduce((e, r) => Math.max(e, r.energyIn), 0);
    expect([...run.devices]).toEqual([id]);
    expect(text).not.toMatch(/Uncaught/);
    expect(bad).toEqual([]);
    expect(fresh).toBeGreaterThanOrEqual(55);
    expect(acked).toBeGreaterThanOrEqual(49);
    expect(newestEnergy).toBeGreaterThan(100_000); // mWh: the pulses were counted
    expect(text).toMatch(/rx ack seq \d+: \d+ reading\(s\) acked/);
    console.log(`espruino-pico tiny bundle (${code.length} bytes, outbox 32): ${fresh} verified readings in a simulated hour; longest block ${emu.longestBlock.ms.toFixed(1)} ms (${emu.longestBlock.what})`);
  }, 180_000);
});
