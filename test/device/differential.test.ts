/**
 * The differential test (issue 9, item 2): one bundle, the same inputs — a key, times,
 * energy registers, frames made bad on purpose — run in the V8 emulation and on the real
 * interpreter (the board-sized ESP32 build), must print the same lines byte for byte: the
 * signed frame lines a device sends, the chain hashes, ack and token MACs, and for every
 * error path the same `CODE: message` line (the emulation once said E_CRC where the board
 * said E_INTERNAL). Signing runs in steps with the firmware's default budget, as on a board.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEspruinoBundle } from "../../toolchain/espruino";
import { moduleSwaps, swapPlugin } from "../../toolchain/firmware-profile";
import { runInEspruinoSandbox } from "../../simulator/espruino/sandbox";
import { findInterpreter } from "../../simulator/real-espruino/interpreter";
import { runFileOnInterpreter } from "../../simulator/real-espruino/run-file";
import { companionInstallScript } from "../../toolchain/companion-files";

const ROOT = resolve(__dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "solkit-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENTRY = `
export { encodeReading, readingHash, readingSigningInput } from "${ROOT}/shared/protocol/reading";
export { encodeFrame, encodeFrameBody, decodeFrameBody, encodeUplinkLine } from "${ROOT}/shared/protocol/frame";
export { encodeAck, verifyAck } from "${ROOT}/shared/protocol/ack";
export { encodeToken, verifyToken } from "${ROOT}/shared/protocol/token";
export { startSigning, publicKeyFromSeed } from "${ROOT}/shared/crypto/ed25519/signer";
export { encodePublicKey, decodePublicKey } from "${ROOT}/shared/crypto/strkey";
export { toHex } from "${ROOT}/shared/bytes";
`;

/** Prints one line per check; an error prints `threw CODE: message`. */
const DRIVER = `
var S = solkitDiff;
function line(name, f) { var v; try { v = f(); } catch (e) { v = "threw " + (e && e.code) + ": " + (e && e.message); } print(name + " " + v); }
var seed = new Uint8Array(32); for (var i = 0; i < 32; i++) seed[i] = (i * 11 + 5) & 255;
var key = new Uint8Array(32); for (var i = 0; i < 32; i++) key[i] = (i * 3 + 1) & 255;
var pk = S.publicKeyFromSeed(seed);
line("id", function () { return S.encodePublicKey(pk); });
var prev = new Uint8Array(32);
for (var seq = 0; seq < 3; seq++) {
  var bytes = S.encodeReading({ flags: seq === 0 ? 1 : 0, timeQuality: 0, relay: seq & 1, outbox: 3 - seq, deviceId: pk, seq: seq, dropped: 0,
    time: 1790000000 + 60 * seq, uptime: 60000 * seq, boot: 2, interval: 60, energyIn: 1000 * seq + 17, energyOut: 0, power: 250 + seq, credit: 3600 - 60 * seq, prev: prev });
  var job = S.startSigning(seed, S.readingSigningInput(bytes), { publicKey: pk, budget: 32 });
  var steps = 1; while (!job.step()) steps++;
  var sig = job.signature();
  line("frame" + seq, function () { return S.encodeUplinkLine(S.encodeFrame(bytes, sig)).trim(); });
  line("steps" + seq, function () { return steps; });
  prev = S.readingHash(bytes);
  line("hash" + seq, function () { return S.toHex(prev); });
}
var ack = S.encodeAck({ deviceId: pk, seq: 2, hostTime: 1790000300 }, key);
line("ack", function () { return S.encodeFrameBody(ack); });
line("ack ok", function () { return JSON.stringify(S.verifyAck(ack, key, pk, 2).ok); });
var bad = new Uint8Array(ack); bad[20] ^= 1;
line("ack forged", function () { return S.verifyAck(bad, key, pk, 2).reason; });
var tok = S.encodeToken({ tokenKind: 1, deviceId: pk, counter: 7, amount: 600, config: [] }, key);
line("token", function () { return S.encodeFrameBody(tok); });
line("token replay", function () { return S.verifyToken(tok, key, pk, 7).reason; });
line("token other key", function () { return S.verifyToken(tok, new Uint8Array(32), pk, 0).reason; });
var body = S.encodeFrameBody(tok);
line("bad crc", function () { return S.decodeFrameBody(body.slice(0, -1) + (body.slice(-1) === "0" ? "1" : "0")).kind; });
line("no separator", function () { return S.decodeFrameBody("AAAA").kind; });
line("bad base64", function () { return S.decodeFrameBody("A=AA*0000").kind; });
line("short token", function () { return S.verifyToken(tok.subarray(0, 50), key, pk, 0).reason; });
line("bad strkey", function () { return S.decodePublicKey("GAAAA"); });
line("signature on ack", function () { return S.encodeFrame(ack, new Uint8Array(64)).length; });
line("seed length", function () { return S.startSigning(new Uint8Array(31), bytes); });
print("END");
`;

let script = "";
beforeAll(async () => {
  const entry = join(dir, "entry.ts");
  writeFileSync(entry, ENTRY);
  // The esp32-devkitc build: full profile, native hashes where the board has them.
  const { code } = await buildEspruinoBundle({ entry, globalName: "solkitDiff", plugins: [swapPlugin(moduleSwaps("full", { nativeHashes: ["sha256", "sha512"] }))] });
  // The base-point table goes into Storage first, as solkit flash puts it beside the bundle.
  script = `${companionInstallScript(code)}${code}\n${DRIVER}`;
}, 120_000);

/** Every line the real interpreter printed between its banner and END. */
async function runReal(file: string): Promise<string[]> {
  const { out } = await runFileOnInterpreter(findInterpreter(16383)!, file, dir, /^END\s*$/m, 300_000);
  const lines = out.split(/\r?\n/).map((l) => l.replace(/^>/, "").trimEnd());
  return lines.slice(lines.findIndex((l) => l.startsWith("id ")), lines.indexOf("END"));
}

describe("the emulation and the real interpreter", () => {
  it("print the same frames, hashes, MACs and error lines", async () => {
    const file = join(dir, "diff.js");
    writeFileSync(file, script);
    const emulated = runInEspruinoSandbox(script, {
      // The natives the bundle's native-hash swap calls, as the emulated ESP32 has them.
      modules: { crypto: nodeCrypto() },
    });
    expect(emulated.error).toBeUndefined();
    const emuLines = emulated.lines.slice(0, emulated.lines.indexOf("END"));
    const real = await runReal(file);
    expect(emuLines.length).toBeGreaterThan(20);
    expect(emuLines.some((l) => /^bad crc threw E_CRC: /.test(l))).toBe(true);
    expect(real).toEqual(emuLines);
  }, 600_000);
});

/** require("crypto") of the ESP32 firmware: SHA256/SHA512 returning ArrayBuffers. */
function nodeCrypto(): unknown {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  const digest = (alg: string) => (d: Uint8Array) => {
    const b = createHash(alg).update(d).digest();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  };
  return { SHA256: digest("sha256"), SHA512: digest("sha512") };
}
