/**
 * The espruino-wifi bundle as `solkit build` chooses it — the profile with the largest outbox
 * ("tiny": table-free base multiplication, loop field multiplication, mangled properties, short
 * console) with the board's native SHA-256/512 — run on the emulated Espruino WiFi it
 * was built for: provisioned over the REPL, it signs readings the host's verifier accepts,
 * and no slice of the signer blocks the event loop for long.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import type { BuildReport } from "../../toolchain/firmware";
import { cachedFirmware } from "../build-cache";
import { emulatedBoard, flashAndBoot } from "../../simulator/espruino/from-board";
import { decodePublicKey } from "../../shared/crypto/strkey";
import { runWithAckingHost } from "./acking-host";

const board = loadBoard("espruino-wifi");
let code = "";
let report: BuildReport;

beforeAll(async () => {
  ({ code, report } = await cachedFirmware(board));
}, 120_000);

describe("the espruino-wifi bundle (small profile) on an emulated Espruino WiFi", () => {
  it("is the tiny profile (largest outbox) with native hashes", () => {
    expect(report.profile).toBe("tiny");
    expect(report.nativeHashes).toEqual(["sha256", "sha512"]);
  });

  it("provisioned over the REPL and acked by a host, it signs an hour of readings the host verifies", () => {
    const emu = emulatedBoard(board, 5, { callbackTimeoutMs: 0 });
    let text = "";
    emu.onConsoleOutput((t) => {
      text += t;
    });
    flashAndBoot(emu, code);
    const key = new Uint8Array(32).fill(0x33);
    const id = emu.runCode("solkit.provisionKey(false, '3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c')").value as string;
    expect(id).toMatch(/^G[A-Z2-7]{55}$/);
    emu.runCode(`solkit.setHostKey("${Buffer.from(key).toString("hex")}")`);
    emu.pulse("B3", 120, 3_600_000, { activeLow: true, widthMs: 50 });
    // The outbox holds only report.storage.outboxCapacity readings: the host must ack to keep them coming.
    const run = runWithAckingHost(emu, () => text, decodePublicKey(id), key, 3_660_000);
    const fresh = run.fresh.length;
    const bad = run.bad;
    const acked = run.acked;
    const newestEnergy = run.fresh.reduce((e, r) => Math.max(e, r.energyIn), 0);
    expect([...run.devices]).toEqual([id]);
    expect(text).not.toMatch(/Uncaught|E_BAD_MAC/);
    expect(bad).toEqual([]);
    expect(fresh).toBeGreaterThanOrEqual(55);
    expect(acked).toBeGreaterThanOrEqual(49);
    expect(newestEnergy).toBeGreaterThan(100_000); // mWh: the pulses were counted
    console.log(`espruino-wifi bundle (${report.bytes} bytes, outbox ${report.storage.outboxCapacity}): ${fresh} verified readings in a simulated hour; longest block ${emu.longestBlock.ms.toFixed(1)} ms (${emu.longestBlock.what})`);
  }, 120_000);
});
