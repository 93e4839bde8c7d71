/**
 * "real Espruino": signing on the real interpreter (Linux builds in ../shared/espruino/, the
 * build with each board's variable count), beside tweetnacl's `sign.detached` on the same
 * interpreter in the same run (issue 9). Per board and its profile: time per signature, the
 * longest step as the firmware's scheduler runs it (budget fitted to an 8 ms slice, as
 * firmware/signing.ts does), the longest single unit (budget 1), variables in use at peak,
 * and the public-key derivation. Figures are read as ratios to tweetnacl: a desktop is
 * several times faster than an ESP32, and the ratio is what carries over.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadBoard } from "../boards/validate";
import { buildEspruinoBundle } from "../toolchain/espruino";
import { moduleSwaps, swapPlugin, type BuildProfile } from "../toolchain/firmware-profile";
import { findInterpreter, whyNoInterpreter } from "../simulator/real-espruino/interpreter";
import { runFileOnInterpreter } from "../simulator/real-espruino/run-file";
import type { Row } from "./harness";

const SECTION = "real Espruino";
const ROOT = resolve(import.meta.dirname, "..");
/** The board, the profile its firmware build picks (report.json), and the build for it. */
const CASES: { board: string; profile: BuildProfile }[] = [
  { board: "esp32-devkitc", profile: "full" },
  { board: "espruino-wifi", profile: "tiny" },
  { board: "espruino-pico", profile: "tiny" },
];
const SIGNATURES = 2;

/** The driver both runs share: a seed, a 120-byte message, and a peak-variables sampler. */
const PRELUDE = `
var SEED = new Uint8Array(32), MSG = new Uint8Array(120), PEAK = 0;
for (var i = 0; i < 32; i++) SEED[i] = (i * 7 + 1) & 255;
for (var i = 0; i < 120; i++) MSG[i] = (i * 13) & 255;
function sample() { var u = process.memory(false).usage; if (u > PEAK) PEAK = u; }
function ms(t0) { return (getTime() - t0) * 1000; }
`;

/**
 * Our signer driven as firmware/signing.ts drives it: one step per event-loop turn
 * (setTimeout 0, so the interpreter's idle work such as garbage collection happens between
 * steps, not inside them), the budget starting at 8 and fitted to an 8 ms slice. The time
 * per signature is the sum of the steps (the work; idle turns between steps not counted).
 */
const OURS_DRIVER = `
var S = solkitSign, SLICE = 8;
function run(budget0, adapt, withKey, done) {
  var job = S.startSigning(SEED, MSG, withKey ? { publicKey: PK } : {});
  var b = budget0, longest = 0, steps = 0, work = 0;
  function step() {
    var s0 = getTime(); var fin = job.step(b); var d = ms(s0); steps++; work += d;
    if (d > longest) longest = d;
    sample();
    if (adapt) { if (d > SLICE) b = Math.max(1, Math.floor(b * SLICE / d)); else if (d < SLICE / 2 && b < 32) b = Math.min(32, b + Math.max(1, Math.floor(b / 4))); }
    if (fin) done({ ms: work, steps: steps, longest: longest }); else setTimeout(step, 0);
  }
  setTimeout(step, 0);
}
var PK, base, total = 0, longest = 0, steps = 0, kd;
run(8, true, false, function (r) { // derives A as well: what provisioning costs
  kd = r;
  PK = S.publicKeyFromSeed(SEED);
  base = process.memory().usage; PEAK = base;
  var n = 0;
  (function next() {
    if (n === ${SIGNATURES}) return run(1, false, true, function (unit) {
      print("RESULT " + JSON.stringify({ msPerSig: total / ${SIGNATURES}, steps: steps / ${SIGNATURES}, longestStep: longest, longestUnit: unit.longest, keyMs: kd.ms, keyLongest: kd.longest, baseVars: base, peakVars: PEAK, total: process.memory().total }));
    });
    run(8, true, true, function (r) { total += r.ms; steps += r.steps; if (r.longest > longest) longest = r.longest; n++; next(); });
  })();
});
`;

const NACL_DRIVER = `
var kp = self.nacl.sign.keyPair.fromSeed(SEED);
var base = process.memory().usage; PEAK = base;
var t0 = getTime();
for (var n = 0; n < ${SIGNATURES}; n++) { self.nacl.sign.detached(MSG, kp.secretKey); sample(); }
print("RESULT " + JSON.stringify({ msPerSig: ms(t0) / ${SIGNATURES}, baseVars: base, peakVars: PEAK, total: process.memory().total }));
`;

/** Runs `file` on `bin` until it prints RESULT (or runs out of memory, or dies, or times out). */
async function runOnInterpreter(bin: string, file: string, cwd: string, timeoutMs = 600_000): Promise<any> {
  const { out, timedOut } = await runFileOnInterpreter(bin, file, cwd, /RESULT \{.*\}|Out of Memory|MEMORY|Uncaught/, timeoutMs);
  const m = /RESULT (\{.*\})/.exec(out);
  if (m) return JSON.parse(m[1]);
  const at = out.search(/Out of Memory|MEMORY|Uncaught/);
  if (at >= 0) return { error: out.slice(at).split("\n")[0].trim() };
  return { error: timedOut ? "timed out" : `exited: ${out.slice(-200)}` };
}

async function signerBundle(profile: BuildProfile, dir: string): Promise<string> {
  const entry = join(dir, "sign-entry.ts");
  writeFileSync(entry, `export { startSigning, publicKeyFromSeed } from ${JSON.stringify(join(ROOT, "shared/crypto/ed25519/signer"))};\n`);
  const swaps = moduleSwaps(profile, { nativeHashes: ["sha256", "sha512"] });
  // The signer alone: "tiny"'s other swaps (the console) are not in this bundle.
  const { code } = await buildEspruinoBundle({ entry, globalName: "solkitSign", plugins: [swapPlugin(swaps)] });
  return code;
}

export async function realEspruinoRows(): Promise<Row[]> {
  const missing = whyNoInterpreter();
  if (missing) return [{ section: SECTION, name: "not measured", value: 0, unit: "", note: missing }];
  const dir = mkdtempSync(join(tmpdir(), "solkit-bench-real-"));
  const rows: Row[] = [];
  try {
    const naclSrc = readFileSync(createRequire(import.meta.url).resolve("tweetnacl/nacl-fast.min.js"), "utf8");
    const bundles: Partial<Record<BuildProfile, string>> = {};
    for (const c of CASES) {
      const board = loadBoard(c.board);
      const bin = findInterpreter(board.limits!.jsVars!);
      if (!bin) {
        rows.push({ section: SECTION, name: `${c.board}: not measured`, value: 0, unit: "", note: `no espruino-${board.limits!.jsVars}` });
        continue;
      }
      bundles[c.profile] ??= await signerBundle(c.profile, dir);
      const oursFile = join(dir, `ours-${c.board}.js`);
      writeFileSync(oursFile, `${PRELUDE}${bundles[c.profile]}\n${OURS_DRIVER}`);
      const naclFile = join(dir, `nacl-${c.board}.js`);
      writeFileSync(naclFile, `var self = {};\n${PRELUDE}${naclSrc}\n${NACL_DRIVER}`);
      // The same signer as a board runs it: its code read back from Storage, where the Linux
      // build reads every byte through a file (a board maps Storage into memory).
      const flashFile = join(dir, `flash-${c.board}.js`);
      writeFileSync(flashFile, `${PRELUDE}require("Storage").write("sg.js", ${JSON.stringify(bundles[c.profile])});\neval(require("Storage").read("sg.js"));\n${OURS_DRIVER}`);
      const nacl = await runOnInterpreter(bin, naclFile, dir);
      const ours = await runOnInterpreter(bin, oursFile, dir);
      const fromFlash = await runOnInterpreter(bin, flashFile, dir);
      const vars = `${board.limits!.jsVars} variables`;
      const label = `${c.board} (${c.profile}, ${vars})`;
      if (nacl.error) rows.push({ section: SECTION, name: `${label}: tweetnacl sign.detached`, value: 0, unit: "ms/sig", note: nacl.error });
      else rows.push({ section: SECTION, name: `${label}: tweetnacl sign.detached (baseline)`, value: nacl.msPerSig, unit: "ms/sig", ratio: 1, note: `peak ${nacl.peakVars} vars` });
      if (ours.error) {
        rows.push({ section: SECTION, name: `${label}: solkit signer`, value: 0, unit: "ms/sig", note: ours.error });
        continue;
      }
      const ratio = nacl.error ? undefined : ours.msPerSig / nacl.msPerSig;
      rows.push(
        { section: SECTION, name: `${label}: solkit signer, incremental`, value: ours.msPerSig, unit: "ms/sig", ratio, note: `${Math.round(ours.steps)} steps` },
        { section: SECTION, name: `${label}: longest step (8 ms slices)`, value: ours.longestStep, unit: "ms", note: "issue 9 bound: 20 ms" },
        { section: SECTION, name: `${label}: longest single unit`, value: ours.longestUnit, unit: "ms", note: "the floor any budget can reach" },
        { section: SECTION, name: `${label}: a signature that also derives the key`, value: ours.keyMs, unit: "ms", note: `longest step ${ours.keyLongest.toFixed(1)} ms` },
        { section: SECTION, name: `${label}: variables at peak while signing`, value: ours.peakVars, unit: "vars", ratio: ours.peakVars / ours.total, note: `ratio = of ${ours.total}; ${ours.baseVars} after load` },
      );
      if (fromFlash.error) rows.push({ section: SECTION, name: `${label}: code read from Storage`, value: 0, unit: "ms/sig", note: fromFlash.error });
      else {
        rows.push({
          section: SECTION, name: `${label}: code read from Storage (Linux build: through a file)`, value: fromFlash.msPerSig, unit: "ms/sig",
          ratio: nacl.error ? undefined : fromFlash.msPerSig / nacl.msPerSig,
          note: `longest step ${fromFlash.longestStep.toFixed(1)} ms; ${(fromFlash.msPerSig / ours.msPerSig).toFixed(1)}x the code in RAM (a board maps Storage into memory)`,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
