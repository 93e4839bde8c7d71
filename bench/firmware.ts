/**
 * The firmware per board (issue 3, "Measured"): bundle bytes of each build profile, what one
 * signature costs on each profile (incremental-signer steps, field multiplications, the
 * longest step), signed readings per day at the default settings, and flash writes per day
 * from one simulated day of the built bundle on the Espruino emulation (bench/firmware-day.ts).
 *
 * The signer figures come from the profile's own bundle of shared/crypto/ed25519 (the modules
 * swapped exactly as `solkit build` swaps them), evaluated here; its time per signature is
 * taken under `node --jitless`, the nearest thing here to an interpreter without a JIT.
 *
 * Run alone: npx tsx bench/firmware.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadBoards } from "../boards/validate";
import { buildEspruinoBundle } from "../toolchain/espruino";
import { measureProfile } from "../toolchain/firmware";
import { type BuildProfile, PROFILES, moduleSwaps, swapPlugin } from "../toolchain/firmware-profile";
import { DEFAULT_DEVICE_CONFIG } from "../firmware/config";
import { CONVOLVE_SOURCE, convolve } from "../simulator/espruino/convolve";
import { simulateDay } from "./firmware-day";
import { printTable, type Row } from "./harness";

const ED25519 = join(import.meta.dirname, "..", "shared", "crypto", "ed25519", "index.ts");

/**
 * What the Espruino profiles' native modules take from the interpreter (E.convolve for field
 * products and table lookups, E.toUint8Array for the base table), as the emulation gives them.
 */
function espruinoE(): { convolve: typeof convolve; toUint8Array(s: string): Uint8Array } {
  return { convolve, toUint8Array: (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0)) };
}

/** One cached-key signature at the default budget, run on the profile's bundled signer. */
interface SignerCost {
  multiplications: number;
  steps: number;
  largestStep: number;
  jitlessMs: number;
}

async function signerCost(profile: BuildProfile): Promise<SignerCost> {
  const { code } = await buildEspruinoBundle({ entry: ED25519, globalName: "ed", plugins: [swapPlugin(moduleSwaps(profile, {}))] });
  const ed = new Function("E", `${code}\nreturn ed;`)(espruinoE());
  const seed = new Uint8Array(32).map((_, i) => (i * 29 + 3) & 0xff);
  const job = ed.createSigner(seed).startSigning(new Uint8Array(120));
  ed.resetFieldMulCount();
  let steps = 0;
  let largestStep = 0;
  for (let done = false; !done; steps++) {
    const before = ed.fieldMulCount();
    done = job.step();
    largestStep = Math.max(largestStep, ed.fieldMulCount() - before);
  }
  const multiplications = ed.fieldMulCount();
  const file = join(mkdtempSync(join(tmpdir(), "solkit-signer-")), "ed.js");
  writeFileSync(file, code);
  const script = [
    `const E = { convolve: ${CONVOLVE_SOURCE}, toUint8Array: (s) => Uint8Array.from(s, (c) => c.charCodeAt(0)) };`,
    `const ed = new Function("E", require("fs").readFileSync(${JSON.stringify(file)}, "utf8") + "\\nreturn ed;")(E);`,
    "const s = ed.createSigner(new Uint8Array(32).fill(7)); const m = new Uint8Array(120); s.sign(m);",
    "const t0 = performance.now(); for (let i = 0; i < 3; i++) s.sign(m); console.log((performance.now() - t0) / 3);",
  ].join("\n");
  const r = spawnSync(process.execPath, ["--jitless", "-e", script], { encoding: "utf8" });
  return { multiplications, steps, largestStep, jitlessMs: Number(r.stdout.trim()) };
}

/** Rows of the "firmware" section of `npm run bench`. */
export async function firmwareRows(): Promise<Row[]> {
  const section = "firmware";
  const rows: Row[] = [];
  const cost: Record<string, SignerCost> = {};
  for (const p of PROFILES) cost[p] = await signerCost(p);
  for (const p of PROFILES) {
    const c = cost[p];
    const ratio = p === "full" ? 1 : c.multiplications / cost.full.multiplications;
    rows.push({ section, name: `${p} profile: field multiplications per signature`, value: c.multiplications, unit: "mul", ratio, note: "public key cached; tweetnacl: 5117" });
    rows.push({ section, name: `${p} profile: steps per signature`, value: c.steps, unit: "steps", note: `budget ${DEFAULT_DEVICE_CONFIG.signBudget}; longest step ${c.largestStep} multiplications` });
    rows.push({
      section, name: `${p} profile: time per signature, node --jitless`, value: c.jitlessMs, unit: "ms",
      ratio: c.jitlessMs / cost.full.jitlessMs, note: `longest step about ${((c.jitlessMs * c.largestStep) / c.multiplications).toFixed(1)} ms there`,
    });
  }
  const perDay = Math.round((24 * 3600) / DEFAULT_DEVICE_CONFIG.defaultIntervalS);
  rows.push({
    section, name: "signed readings per day (default settings)", value: perDay / DEFAULT_DEVICE_CONFIG.defaultSignEvery, unit: "signatures",
    note: `${perDay} readings a day, one signature every ${DEFAULT_DEVICE_CONFIG.defaultSignEvery} covers them through the hash chain`,
  });
  const boards = loadBoards().filter((b) => b.target === "espruino" && b.buildable);
  for (const board of boards) {
    let chosen: string | undefined = undefined;
    for (const p of PROFILES) {
      const f = await measureProfile(board, p);
      const fits = f.problem === undefined;
      if (fits && chosen === undefined) chosen = p;
      rows.push({
        section, name: `${board.id}, ${p} profile: bundle`, value: f.bytes, unit: "bytes", ratio: f.bytes / board.limits!.storageBytes,
        note: fits
          ? `gzip ${f.gzipBytes}; ${f.plan.codeBytes} B of Storage with the files it reads (the full build's ed25519.tbl); outbox ${f.plan.outboxCapacity} readings (${f.plan.offlineHours.toFixed(1)} h offline); ~${f.estimate} of ${board.limits!.jsVars} variables${chosen === p ? "; built by default" : ""}`
          : `does not fit: ${f.problem}`,
      });
    }
    if (chosen === undefined) rows.push({ section, name: `${board.id}: buildable`, value: 0, unit: "", note: "no profile fits (see the rows above)" });
  }
  for (const id of ["esp32-devkitc", "espruino-wifi"]) {
    const board = boards.find((b) => b.id === id);
    if (board === undefined) continue;
    const d = await simulateDay(board);
    const files = Object.entries(d.writesPerFile).map(([k, v]) => `${k} ${v}`).join(", ");
    rows.push({ section, name: `${id} (${d.report.profile}): Storage writes per day`, value: d.storageWrites, unit: "writes", note: `emulated day, host acking: ${files}; ${d.readings} readings verified, ${d.signatures} signatures` });
    rows.push({ section, name: `${id}: flash bytes programmed per day`, value: d.bytesProgrammed, unit: "bytes" });
    rows.push({ section, name: `${id}: page erases per day`, value: d.pageErases, unit: "erases", note: `${d.compactions} compactions; most on one page ${d.maxPageErases} (emulated ${board.mcu.startsWith("ESP32") ? "4" : "2"} KiB pages)` });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await firmwareRows());
}
