import { availableParallelism } from "node:os";
import { randomInt } from "node:crypto";
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { Command } from "commander";
import type { RegisterCommand } from "../command";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "../errors";
import { paint, type Output } from "../output";
import { boardIds, loadBoard } from "../../boards/validate";
import { boardFromState, saveState, stateFile } from "../../simulator/board-state";
import type { EspruinoBoard } from "../../simulator/espruino/board";
import { flashAndBoot } from "../../simulator/espruino/from-board";
import { checkPtyPath, startNodemcuPtyBoard, startPtyBoard } from "../../simulator/pty-board";
import { luacCrossAvailable } from "../../toolchain/luac-cross";
import { ensureFirmware, firmwarePath } from "../../simulator/scenario/artifact";
import { demoSummary, runDemo } from "../../simulator/scenario/demo";
import { runFleet } from "../../simulator/scenario/fleet";
import { fleetLines, jsonReport, resultTable } from "../../simulator/scenario/report";
import { runScenario, type ScenarioResult } from "../../simulator/scenario/runner";
import { parseDuration, type Scenario } from "../../simulator/scenario/types";
import { readScenarioFile, type ScenarioIssue } from "../../simulator/scenario/validate";
import { summary as commandSummary } from "../command-list";

interface SimOptions {
  devices?: string;
  threads?: string;
  duration?: string;
  host: string;
  board: string;
  report?: string;
  demo?: boolean;
  speed: string;
  seed: string;
  pty?: string;
  state?: string;
  blank?: boolean;
}

function whole(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new CliError(`${name} expects a whole number ≥ ${min}, got "${text}"`);
  return n;
}

function duration(text: string): number {
  const ms = parseDuration(text);
  if (!(ms > 0)) throw new CliError(`--duration expects a span such as 90s, 30m, 6h or 7d, got "${text}"`);
  return ms;
}

/** The built firmware of a board, building it when missing or stale (said on stderr). */
async function firmware(out: Output, board: string): Promise<string> {
  const b = loadBoard(board);
  if (!b.buildable) {
    // A usage error, as in build and flash (exit 2), before anything says it is building.
    const blank = b.target === "nodemcu" ? "; --pty --blank gives its NodeMCU REPL without the program" : "";
    throw new CliError(`${board} is not buildable yet: ${b.whyNotBuildable ?? "its target is not implemented"}${blank}`);
  }
  const fw = await ensureFirmware(board, (why) => out.info(`building ${relative(process.cwd(), firmwarePath(board))} (${why})…`));
  return fw.code;
}

async function runFiles(out: Output, files: string[], opts: SimOptions, boardGiven: boolean): Promise<number> {
  const scenarios: Scenario[] = [];
  const issues: ScenarioIssue[] = [];
  for (const f of files) {
    // --board runs the file on another board (the scenario library on a Pi: --board rpi4).
    const r = readScenarioFile(f, boardGiven ? opts.board : undefined);
    issues.push(...r.issues);
    if (r.scenario) scenarios.push(r.scenario);
  }
  if (issues.length > 0) {
    for (const i of issues) process.stderr.write(`${i.file}: ${i.path}: ${i.message}\n`);
    process.stderr.write(`${issues.length} problem${issues.length === 1 ? "" : "s"} in scenario files; nothing was run (schema: simulator/scenario.schema.json, docs/scenarios.md)\n`);
    return EXIT_USAGE;
  }
  const code = new Map<string, string>();
  const results: ScenarioResult[] = [];
  for (const sc of scenarios) {
    if (!code.has(sc.board)) code.set(sc.board, await firmware(out, sc.board));
    out.info(`running ${sc.name} (${sc.file})…`);
    const r = await runScenario(sc, { firmware: code.get(sc.board)! });
    results.push(r);
    if (out.verbose) for (const c of r.checks) out.info(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
  }
  const report = jsonReport(results);
  if (opts.report) writeFileSync(opts.report, JSON.stringify(report, null, 2) + "\n");
  if (out.jsonMode) out.json(report);
  else for (const l of resultTable(results)) out.line(l.includes(" failed: ") ? paint(out, "red", l) : l);
  return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILED;
}

async function fleet(out: Output, opts: SimOptions): Promise<number> {
  const devices = whole("--devices", opts.devices!, 1);
  if (opts.host !== "light" && opts.host !== "gateway") throw new CliError(`--host expects light or gateway, got "${opts.host}"`);
  const fw = await firmware(out, opts.board);
  out.info(`booting ${devices} emulated ${opts.board} board${devices === 1 ? "" : "s"}…`);
  const r = await runFleet({ firmware: fw, board: opts.board, devices, durationMs: duration(opts.duration ?? "1h"), host: opts.host, seed: whole("--seed", opts.seed, 0),
    threads: opts.threads === undefined ? Math.min(availableParallelism(), 8) : whole("--threads", opts.threads, 1) });
  if (out.jsonMode) out.json(r);
  else for (const l of fleetLines(r)) out.line(l);
  return r.rejectedForGood === 0 ? EXIT_OK : EXIT_FAILED;
}

async function demo(out: Output, opts: SimOptions): Promise<number> {
  const fw = await firmware(out, "esp32-devkitc");
  const speed = whole("--speed", opts.speed, 1);
  out.info(`esp32-devkitc: the built firmware (dist/esp32-devkitc/firmware.js) on an emulated board, a 60 W load behind its relay,`);
  out.info(`the host verifying and acking over the serial line, an hour of credit sold twice; ${speed}× real time`);
  const start = Date.parse("2026-06-21T18:00:00Z");
  const clock = (ms: number) => new Date(start + ms).toISOString().slice(11, 19);
  const r = await runDemo({
    firmware: fw, speed, durationMs: duration(opts.duration ?? "2h"),
    print: (who, text, simMs, ok) => {
      if (out.jsonMode) return out.json({ t: Math.round(simMs / 1000), who, text });
      if (out.quiet && (who === "device" || ok)) return;
      const body = who === "device" ? paint(out, "dim", text) : ok ? text.replace("✓", paint(out, "green", "✓")) : paint(out, "red", text);
      out.line(`${clock(simMs)} ${who.padEnd(6)} ${body}`);
    },
  });
  if (out.jsonMode) out.json(jsonReport([r]));
  else for (const l of demoSummary(r)) out.line(l);
  return r.ok ? EXIT_OK : EXIT_FAILED;
}

/** Ctrl-C, SIGTERM, or --duration of wall time (for scripts). */
function untilStopped(opts: SimOptions): Promise<void> {
  return new Promise<void>((res) => {
    process.once("SIGINT", res);
    process.once("SIGTERM", res);
    if (opts.duration !== undefined) setTimeout(res, duration(opts.duration)).unref();
  });
}

/**
 * A NodeMCU board on a pty: its Lua REPL, with the program in flash unless --blank — as its LFS
 * image (lfs.img, run in NodeMCU's own Lua core) when luac.cross can be built, as solkit.lua in
 * lua5.3 otherwise — and the init.lua that runs it, as `solkit flash` leaves a board.
 */
async function nodemcuPty(out: Output, opts: SimOptions, seed: number): Promise<number> {
  if (opts.state !== undefined) throw new CliError("--state keeps an Espruino board's flash; a NodeMCU pty board starts fresh each time (leave out --state)");
  const fw = opts.blank ? undefined : await firmware(out, opts.board);
  const lfs = fw !== undefined && luacCrossAvailable();
  const b = await startNodemcuPtyBoard({ board: opts.board, path: opts.pty!, seed, firmware: fw, lfs });
  const running = fw === undefined ? "nothing (an empty flash: flash it with solkit flash)" : lfs ? `dist/${opts.board}/firmware.lua from LFS (lfs.img) in NodeMCU's own Lua core` : `dist/${opts.board}/firmware.lua as solkit.lua in lua5.3`;
  out.info(`${opts.board} (NodeMCU) running ${running} on ${b.path} (console also on tcp://127.0.0.1:${b.tcpPort}; seed ${seed}); Ctrl-C stops it`);
  try {
    await untilStopped(opts);
  } finally {
    await b.stop();
    b.emu.dispose();
  }
  return EXIT_OK;
}

/** One board on a pty until Ctrl-C (or --duration of wall time, for scripts). */
async function pty(out: Output, opts: SimOptions, seedGiven: boolean): Promise<number> {
  if (!boardIds().includes(opts.board)) throw new CliError(`no board "${opts.board}"; see 'solkit boards'`);
  checkPtyPath(opts.pty!); // before a build that may take a while
  const board = loadBoard(opts.board);
  if (board.target === "node") throw new CliError(`--pty emulates Espruino and NodeMCU boards; a Pi's program speaks the serial line itself: node dist/${board.id}/firmware.cjs --link console (docs/pi.md), behind socat for a pty`);
  // A board of its own unless --seed asks to repeat one: its random sources differ from the last.
  const seed = seedGiven ? whole("--seed", opts.seed, 0) : randomInt(1, 2 ** 31);
  if (board.target === "nodemcu") return nodemcuPty(out, opts, seed);
  const fw = opts.blank ? undefined : await firmware(out, opts.board);
  if (opts.blank && opts.state !== undefined) throw new CliError("--blank starts with an empty flash; --state restores one: give one of them");
  let emu: EspruinoBoard | undefined;
  let restored = false;
  if (opts.state !== undefined) {
    try {
      ({ emu, restored } = boardFromState(opts.state, board, seed));
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    // A rebuilt bundle replaces the old one, as solkit flash would; keys, credit and outbox stay.
    flashAndBoot(emu, fw!);
  }
  const b = await startPtyBoard({ board, path: opts.pty!, firmware: emu ? undefined : fw, emu, seed });
  const state = opts.state;
  const save = () => {
    if (state !== undefined) saveState(state, board, b.emu);
  };
  const saver = state === undefined ? undefined : setInterval(save, 5000);
  out.info(`${opts.board} running ${fw === undefined ? "nothing (an empty Storage: flash it with solkit flash)" : `dist/${opts.board}/firmware.js`} on ${b.path} (console also on tcp://127.0.0.1:${b.tcpPort}; seed ${seed}${state ? `; flash ${restored ? "restored from" : "kept in"} ${stateFile(state, board)}` : ""}); Ctrl-C stops it`);
  await untilStopped(opts);
  clearInterval(saver);
  await b.stop();
  save();
  return EXIT_OK;
}

/** `solkit sim`: scenario files, a fleet, or the demo, on the built firmware. */
export const registerSim: RegisterCommand = (program, ctx) => {
  program
    .command("sim")
    .description(commandSummary("sim"))
    .argument("[files...]", "scenario files (JSON, simulator/scenario.schema.json)")
    .option("--report <file>", "also write the JSON report to a file")
    .option("--devices <n>", "fleet mode: N boards against one host; reports device-hours per second")
    .option("--duration <span>", "fleet: simulated time (90s, 30m, 6h, 7d; default 1h); demo: default 2h")
    .option("--host <kind>", "fleet: light (in-process) or gateway (embedded broker + SQLite)", "light")
    .option("-b, --board <id>", "fleet, pty: board id; with scenario files: run them on this board instead of theirs", "esp32-devkitc")
    .option("--seed <n>", "fleet: seed", "1")
    .option("--threads <n>", "fleet, light host: worker threads to spread the boards over (default: one per CPU, at most 8)")
    .option("--pty <path>", "one board on a pseudo-terminal at <path>, in real time, for solkit flash/monitor/host (needs socat)")
    .option("--state <dir>", "with --pty: keep the board's flash (bundle, keys, credit, outbox) in DIR across restarts")
    .option("--blank", "with --pty: a board with nothing flashed yet (for solkit flash)")
    .option("--demo", "one board, its world and the light host, the device's console lines as they happen (npm start is 'solkit demo')")
    .option("--speed <x>", "demo: simulated seconds per wall-clock second", "600")
    .addHelpText("after", `
Examples:
  $ solkit sim simulator/scenarios/*.json            the scenario library; exit 0 only if all hold
  $ solkit sim my.json --json > report.json          the report as JSON
  $ solkit sim simulator/scenarios/*.json --board rpi4   ... on a simulated Pi (the Node target's firmware.cjs)
  $ solkit sim --devices 100 --duration 6h           a fleet against the light host (a thread per CPU)
  $ solkit sim --devices 1000 --duration 7d --threads 4
  $ solkit sim --devices 20 --host gateway           ... against the real gateway
  $ solkit sim --board esp32-devkitc --pty /tmp/ttySIM   a board the gateway can open
  $ solkit sim --pty /tmp/ttySIM --state ~/.solkit/sim   ... that keeps its keys and credit across restarts
  $ solkit sim --board nodemcu-esp32 --pty /tmp/ttyMCU --blank   NodeMCU's Lua REPL, empty flash, for solkit flash
  $ solkit sim --demo                                the device's console and the host's verdicts

The firmware is dist/<board>/firmware.js (firmware.cjs for a Pi), built first when missing or older than its sources.
Exit codes: 0 every expectation held, 1 one failed, 2 a scenario file is invalid (every problem listed).`)
    .action(async (files: string[], opts: SimOptions, cmd: Command) => {
      const out = ctx.output();
      let code: number;
      if (opts.state !== undefined && opts.pty === undefined) throw new CliError("--state keeps a --pty board's flash: give --pty <path> too");
      if (opts.blank && opts.pty === undefined) throw new CliError("--blank is for a --pty board: give --pty <path> too");
      if (opts.pty !== undefined) code = await pty(out, opts, cmd.getOptionValueSource("seed") !== "default");
      else if (opts.demo) code = await demo(out, opts);
      else if (opts.devices !== undefined) {
        if (!boardIds().includes(opts.board)) throw new CliError(`no board "${opts.board}"; see 'solkit boards'`);
        code = await fleet(out, opts);
      } else if (files.length === 0) throw new CliError("give scenario files (e.g. simulator/scenarios/*.json), --devices N or --demo");
      else code = await runFiles(out, files, opts, cmd.getOptionValueSource("board") !== "default");
      ctx.exit(code);
    });
};
