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
import { loadBoard } from "../../host/boards/validate";
import { buildFirmware, type BuildReport } from "../../host/build/firmware";
import { emulatedBoard, flashAndBoot } from "../../simulator/espruino/from-board";
import { LineParser, encodeDownlinkLine, encodeFrame } from "../../shared/protocol/frame";
import { encodeAck } from "../../shared/protocol/ack";
import { decodePublicKey } from "../../shared/crypto/strkey";
import { StreamVerifier } from "../../host/verify/stream-verifier";
import { nodeVerifier } from "../../host/crypto/node-verifier";

const board = loadBoard("espruino-wifi");
let code = "";
let report: BuildReport;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "solkit-wifi-"));
  report = await buildFirmware(board, dir);
  code = readFileSync(join(dir, "firmware.js"), "latin1");
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
    const id = emu.runCode("solkit.provisionKey()").value as string;
    expect(id).toMatch(/^G[A-Z2-7]{55}$/);
    emu.runCode(`solkit.setHostKey("${Buffer.from(key).toString("hex")}")`);
    emu.pulse("B3", 120, 3_600_000, { activeLow: true, widthMs: 50 });
    // The outbox holds only report.storage.outboxCapacity readings: the host must ack to keep them coming.
    const engine = new StreamVerifier<number>(nodeVerifier);
    const parser = new LineParser();
    let seen = 0;
    let acked = -1;
    let newestEnergy = 0;
    const bad: string[] = [];
    let fresh = 0;
    for (let t = 0; t < 3_660_000; t += 10_000) {
      emu.advance(10_000);
      const events = parser.push(text.slice(seen));
      seen = text.length;
      let newest = -1;
      for (const ev of events) {
        if (!ev.frame) continue;
        for (const v of engine.add(ev.frame, 0)) {
          if (v.status === "duplicate") continue;
          if (v.status !== "valid") bad.push(v.status);
          fresh++;
          if (v.reading!.seq > newest) newest = v.reading!.seq;
          newestEnergy = Math.max(newestEnergy, v.reading!.energyIn);
          expect(v.device).toBe(id);
        }
      }
      if (newest > acked) {
        acked = newest;
        const ack = encodeAck({ deviceId: decodePublicKey(id), seq: acked, hostTime: 1_790_000_000 + t / 1000 }, key);
        emu.consoleInput(encodeDownlinkLine(encodeFrame(ack), "espruino"));
      }
    }
    expect(text).not.toMatch(/Uncaught|E_BAD_MAC/);
    expect(bad).toEqual([]);
    expect(fresh).toBeGreaterThanOrEqual(55);
    expect(acked).toBeGreaterThanOrEqual(49);
    expect(newestEnergy).toBeGreaterThan(100_000); // mWh: the pulses were counted
    console.log(`espruino-wifi bundle (${report.bytes} bytes, outbox ${report.storage.outboxCapacity}): ${fresh} verified readings in a simulated hour; longest block ${emu.longestBlock.ms.toFixed(1)} ms (${emu.longestBlock.what})`);
  }, 120_000);
});
