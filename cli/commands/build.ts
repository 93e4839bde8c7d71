import type { RegisterCommand } from "../command";
import { CliError } from "../errors";
import { loadBoard } from "../../boards/validate";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDir, buildFirmware, type BuildReport } from "../../toolchain/firmware";
import { linuxTwin } from "../../simulator/real-espruino/linux-twin";
import { measureOnInterpreter, type RealMeasure } from "../measure";
import { whyNoInterpreter } from "../../simulator/real-espruino/interpreter";
import type { Board } from "../../boards/board-type";
import { type BuildProfile, parseProfile } from "../../toolchain/firmware-profile";
import type { Output } from "../output";
import { summary as commandSummary } from "../command-list";
import { buildNodeFirmware, type NodeBuildReport } from "../../toolchain/node-target";
import { buildNodemcuFirmware, type NodemcuBuildReport } from "../../toolchain/nodemcu-target";
import { NodeMcuBoard } from "../../simulator/lua/nodemcu-board";

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

function printSummary(out: Output, r: BuildReport): void {
  out.line(`built ${r.file} for ${r.board} (${r.target})`);
  out.line(`  profile   ${r.profile} (${r.profileReason})${r.nativeHashes.length > 0 ? `; native ${r.nativeHashes.join(", ")}` : ""}`);
  out.line(`  size      ${r.bytes} bytes (${kb(r.bytes)}), gzip ${r.gzipBytes} bytes`);
  out.line(`  storage   ${kb(r.storage.storageBytes)}: code ${kb(r.storage.codeBytes)}, journals ${kb(r.storage.journalBytes)}, ` +
    `outbox ${r.storage.outboxCapacity} readings (${r.storage.offlineHours.toFixed(1)} h offline at 60 s)`);
  out.line(`  variables about ${r.vars.estimate} of ${r.vars.budget} (${Math.round((100 * r.vars.estimate) / r.vars.budget)} %, static estimate)`);
  out.line("  largest modules:");
  for (const m of r.modules.slice(0, 5)) out.line(`    ${String(m.bytes).padStart(7)}  ${m.id}`);
}

function printNodeSummary(out: Output, r: NodeBuildReport): void {
  out.line(`built ${r.file} for ${r.board} (${r.target}): run it with node, or 'solkit service install --board ${r.board}'`);
  out.line(`  size      ${r.bytes} bytes (${kb(r.bytes)}), gzip ${r.gzipBytes} bytes, mqtt included`);
  out.line(`  storage   a quota of ${kb(r.storage.storageBytes)} in the data folder: outbox ${r.storage.outboxCapacity} readings (${r.storage.offlineHours.toFixed(1)} h offline at 60 s)`);
  out.line(`  needs     ${r.needs.join("; ")}`);
  out.line("  largest modules:");
  for (const m of r.modules.slice(0, 5)) out.line(`    ${String(m.bytes).padStart(7)}  ${m.id}`);
}

/** A Pi's build: one file for Node; no profiles, nothing to measure on an interpreter. */
async function buildNode(out: Output, board: Board, opts: { out?: string; profile?: string; measure?: string | boolean }): Promise<void> {
  if (opts.profile !== undefined) throw new CliError(`--profile is for Espruino boards; ${board.id} runs Node, which has one build`);
  if (opts.measure !== undefined && opts.measure !== "") throw new CliError(`--measure runs the Espruino interpreter; for ${board.id} see 'npm run bench' (the node target's rows)`);
  let report: NodeBuildReport;
  try {
    report = await buildNodeFirmware(board, opts.out);
  } catch (err: any) {
    if (err && (err.code === "E_UNSUPPORTED" || err.code === "E_USAGE")) throw new CliError(err.message);
    throw err;
  }
  if (out.jsonMode) out.json(report);
  else printNodeSummary(out, report);
}

/**
 * The Lua bundle under the NodeMCU emulation — as source in real lua5.3, or (lfs) from its LFS
 * image in NodeMCU's own core: provisioned, then an hour of readings; the Lua heap after a full
 * collection at boot and after the hour, the emulation's own share of it, and the longest
 * callback (on this machine). Undefined when the runtime is missing.
 */
function measureLua(board: Board, code: string, lfs = false): NodemcuBuildReport["measured"] {
  let b: NodeMcuBoard | undefined = undefined;
  try {
    b = new NodeMcuBoard(board, code, 1, { lfs });
    b.powerOn();
    const atBoot = b.heapKiB();
    b.repl(`print(solkit.provisionKey(false, "${"5a".repeat(32)}"))`);
    b.repl(`solkit.setHostKey("${"a5".repeat(32)}")`);
    b.advance(3_600_000);
    return { lua: lfs ? "NodeMCU Lua 5.3 core (luac.cross), code in LFS" : "lua5.3", heapKiBAtBoot: atBoot, heapKiBAfterHour: b.heapKiB(), codeKiB: b.codeHeapKiB(), emulationKiB: b.emulationHeapKiB(), longestCallbackMs: Math.round(b.longestBlock.ms * 10) / 10 };
  } catch {
    return undefined;
  } finally {
    b?.dispose();
  }
}

async function buildNodemcu(out: Output, board: Board, opts: { out?: string; profile?: string; measure?: string | boolean }): Promise<void> {
  if (opts.profile !== undefined) throw new CliError(`--profile is for Espruino boards; ${board.id} has one Lua build`);
  let report: NodemcuBuildReport;
  try {
    report = await buildNodemcuFirmware(board, opts.out);
  } catch (err: any) {
    if (err && (err.code === "E_UNSUPPORTED" || err.code === "E_USAGE" || err.code === "E_BOARD")) throw new CliError(err.message);
    throw err;
  }
  const file = join(buildDir(board, opts.out), "firmware.lua");
  report.measured = measureLua(board, readFileSync(file, "latin1"));
  const inLfs = report.lfs === undefined ? undefined : measureLua(board, readFileSync(file, "latin1"), true);
  if (inLfs !== undefined) report.measuredLfs = { lua: inLfs.lua, heapKiBAtBoot: inLfs.heapKiBAtBoot, heapKiBAfterHour: inLfs.heapKiBAfterHour, emulationKiB: inLfs.emulationKiB, longestCallbackMs: inLfs.longestCallbackMs };
  writeFileSync(join(buildDir(board, opts.out), "report.json"), JSON.stringify(report, null, 2) + "\n");
  const ram = board.limits?.ramBytes ?? 0;
  if (out.jsonMode) return out.json(report);
  out.line(`built ${report.file} for ${report.board} (nodemcu, Lua ${report.lua})`);
  out.line(`  size      ${report.bytes} bytes (${kb(report.bytes)}) of Lua source`);
  out.line(`  storage   ${kb(report.storage.storageBytes)}: ${report.storage.codeFile ?? "firmware.lua"} ${kb(report.storage.codeBytes)}, outbox ${report.storage.outboxCapacity} readings (${report.storage.offlineHours.toFixed(1)} h offline at 60 s)`);
  if (report.lfs === undefined) out.line("  lfs       not built: no C compiler for NodeMCU's luac.cross (apt-get install gcc libc6-dev); solkit flash uploads the source");
  else out.line(`  lfs       ${report.lfs.file}: ${kb(report.lfs.imageBytes)} image, ${kb(report.lfs.flashBytes)} of the chip's LFS partition once loaded (make it at least ${kb(Math.ceil(report.lfs.flashBytes / 4096) * 4096)})`);
  const m = report.measured;
  const l = report.measuredLfs;
  if (m === undefined) out.line("  heap      not measured (lua5.3 missing: apt-get install lua5.3)");
  else out.line(`  heap      the program's Lua heap as source in RAM: ${(m.heapKiBAtBoot - m.emulationKiB).toFixed(0)} KiB at boot, ${(m.heapKiBAfterHour - m.emulationKiB).toFixed(0)} KiB after an hour of signed readings (lua5.3; ${m.codeKiB.toFixed(0)} KiB of it code)`);
  if (l !== undefined) out.line(`            from LFS: ${(l.heapKiBAtBoot - l.emulationKiB).toFixed(0)} KiB at boot, ${(l.heapKiBAfterHour - l.emulationKiB).toFixed(0)} KiB after the hour (NodeMCU's own Lua core); longest callback ${l.longestCallbackMs} ms here`);
  if (m !== undefined || l !== undefined) out.line(`            (the emulation's own ${(l ?? m)!.emulationKiB.toFixed(0)} KiB left out: C modules in ROM on a chip; 64-bit host layout, 16-byte slots where the chip has 12)`);
  // What the chip must hold: the LFS figure when there is an image (what solkit flash uploads).
  const need = l !== undefined ? l.heapKiBAfterHour - l.emulationKiB : m !== undefined ? m.heapKiBAfterHour - m.emulationKiB : undefined;
  if (need !== undefined && need * 1024 > ram * 0.5) {
    out.line(`  WARNING   ${need.toFixed(0)} KiB of heap is more than half the chip's ${kb(ram)} of RAM: it runs in the simulator, not on the chip (docs/nodemcu.md)`);
  }
}

/**
 * The bundle on the real interpreter (--measure): the board's Linux twin, built with the same
 * profile when its pins differ (B4 → D4), else the very file just built.
 */
async function measure(board: Board, report: BuildReport, outDir: string | undefined, seconds: number, note: (t: string) => void): Promise<RealMeasure> {
  const twin = linuxTwin(board);
  if (twin === board) return measureOnInterpreter(twin, readFileSync(join(buildDir(board, outDir), "firmware.js"), "latin1"), seconds, note);
  const tmp = mkdtempSync(join(tmpdir(), "solkit-twin-"));
  try {
    await buildFirmware(twin, { outDir: tmp, profile: report.profile });
    return await measureOnInterpreter(twin, readFileSync(join(tmp, "firmware.js"), "latin1"), seconds, note);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function printMeasure(out: Output, m: RealMeasure): void {
  out.line(`  measured  on ${m.interpreter} (the real interpreter) for ${m.seconds} s, ${m.signatures} readings taken:`);
  out.line(`            ${m.varsAtRest} variables at rest, peak ${m.varsPeak} of ${m.varsTotal}; longest event-loop block ${m.longestBlockMs} ms`);
  out.line(`            (${m.note})`);
}

/** `solkit build --board <id>`: the bundle `solkit flash` uploads and `solkit sim` runs. */
export const registerBuild: RegisterCommand = (program, ctx) => {
  program
    .command("build")
    .description(commandSummary("build"))
    .requiredOption("-b, --board <id>", "board id (see 'solkit boards')")
    .option("-o, --out <dir>", "output folder instead of dist/<board>")
    .option("-p, --profile <profile>", "full (table-based signing, big bundle), small or tiny (compact, slower signing); default: the first that fits the board")
    .option("-m, --measure [seconds]", "also run the bundle on the real Espruino interpreter (../shared/espruino or SOLKIT_ESPRUINO) and report its variables and longest block", "")
    .addHelpText("after", `
Examples:
  $ solkit build --board esp32-devkitc
  $ solkit build --board espruino-wifi --out /tmp/wifi --json
  $ solkit build --board esp32-devkitc --profile small
  $ solkit build --board esp32-devkitc --measure 60
  $ solkit build --board rpi4                       # dist/rpi4/firmware.cjs: one file for Node on a Pi

The build fails, naming the cause, when the program uses a language feature Espruino lacks,
when the bundle leaves too little Storage for the outbox, or when it needs too many variables.
Without --profile it takes "full" when that fits the board, else "small" (docs/building.md).
--measure adds what the real interpreter says to report.json ("measured"); without an
interpreter on this machine it says why and the build still succeeds (docs/real-interpreter.md).`)
    .action(async (opts: { board: string; out?: string; profile?: string; measure?: string | boolean }) => {
      const out = ctx.output();
      const board = loadBoard(opts.board);
      out.info(`building ${board.id}…`);
      if (board.target === "node") return buildNode(out, board, opts);
      if (board.target === "nodemcu") return buildNodemcu(out, board, opts);
      let report: BuildReport;
      let profile: BuildProfile | undefined = undefined;
      try {
        if (opts.profile !== undefined) profile = parseProfile(opts.profile);
        report = await buildFirmware(board, { outDir: opts.out, profile });
      } catch (err: any) {
        // A board the firmware does not fit is a setup problem, as for flash (exit 2; issue 11).
        if (err && (err.code === "E_UNSUPPORTED" || err.code === "E_USAGE" || err.code === "E_TOO_BIG")) throw new CliError(err.message);
        throw err;
      }
      let measured: RealMeasure | undefined = undefined;
      if (opts.measure !== undefined && opts.measure !== "") {
        const seconds = opts.measure === true ? 30 : Number(opts.measure);
        if (!Number.isInteger(seconds) || seconds < 5 || seconds > 3600) throw new CliError(`--measure: expected whole seconds from 5 to 3600, got "${opts.measure}"`);
        const why = whyNoInterpreter();
        if (why !== undefined) out.info(`not measured: ${why}`);
        else {
          measured = await measure(board, report, opts.out, seconds, (t) => out.info(t));
          const file = join(buildDir(board, opts.out), "report.json");
          writeFileSync(file, JSON.stringify({ ...report, measured }, null, 2) + "\n");
        }
      }
      if (out.jsonMode) out.json(measured === undefined ? report : { ...report, measured });
      else {
        printSummary(out, report);
        if (measured !== undefined) printMeasure(out, measured);
      }
    });
};
