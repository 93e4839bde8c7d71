import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import type { RegisterCommand } from "../command";
import { CliError, EXIT_FAILED, EXIT_OK } from "../errors";
import { paint, type Output } from "../output";
import { loadBoard } from "../../boards/validate";
import type { Board } from "../../boards/board-type";
import { SolkitError } from "../../shared/errors";
import { bundleFor, lfsImageBeside } from "../../flash/bundle";
import { checkFits, flashBoard, type FlashResult } from "../../flash/flash-board";
import { isSetupError } from "../../flash/port-open";
import { progressPrinter } from "../../flash/progress";
import { chunkExpr, chunkWireBytes, helperExpr } from "../../flash/upload-protocol";
import { companionFiles } from "../../toolchain/companion-files";
import { summary as commandSummary } from "../command-list";
import { registryDatabase } from "../host-database";
import { flashNodemcuCommand } from "./flash-nodemcu";

interface FlashOpts {
  board: string;
  port?: string;
  baud?: string;
  bundle?: string;
  dryRun?: boolean;
  erase?: boolean;
  yes?: boolean;
  chunk?: string;
  packets?: boolean;
  compress?: boolean;
  rebuild?: boolean;
  config?: string;
  lfs?: boolean;
}

const EXAMPLES = `
Examples:
  $ solkit flash --board esp32-devkitc --port /dev/ttyUSB0
  $ solkit flash --board espruino-pico --port /dev/ttyACM0 --dry-run
  $ solkit flash --board esp32-devkitc --port /dev/ttyUSB0 --erase --yes   also wipe keys, counters, credit
  $ solkit flash --board esp32-devkitc --port /dev/ttyUSB0 --no-packets    base64 text over the REPL only
  $ solkit flash --board nodemcu-esp32 --port /dev/ttyUSB0                   lfs.img + init.lua via the Lua REPL, then node.LFS.reload
  $ solkit flash --board nodemcu-esp32 --port /dev/ttyUSB0 --no-lfs          the source as solkit.lua (a firmware without LFS)

The bundle goes to the board's Storage as .bootcde: as binary packets, heatshrink-compressed,
where the interpreter has them (Espruino 2v25+; about 1.6x faster than text on the same wire),
else (or when that fails) as base64 text in checked chunks. Its SHA-256 is read back and
compared, and the board restarts into it. The device's own files (sk.*: its key,
counters, credit, unsent readings) are kept unless --erase is given and confirmed.
On NodeMCU the program goes through the Lua REPL in acknowledged lines, hashed on the board and
renamed into place, with an init.lua that runs it: the LFS image (dist/<board>/lfs.img, built
with the bundle) loaded by node.LFS.reload, so its code runs from flash; or, with --no-lfs or
when the build could make no image, the source (firmware.lua) as solkit.lua, compiled into RAM.
Exit 0 flashed and verified, 1 upload or verification failed, 2 setup (port, board, size).`;

/** Turns the flash library's setup errors into one-line CLI errors (exit 2). */
export function cliError(e: unknown): unknown {
  if (isSetupError(e)) return new CliError(e.message);
  return e;
}

function parseBaud(text: string | undefined, board: Board): number {
  const baud = text === undefined ? board.link.serial?.baud ?? 115200 : Number(text);
  if (!Number.isInteger(baud) || baud < 300 || baud > 4_000_000) throw new CliError(`--baud expects a rate such as 115200, got "${text}"`);
  return baud;
}

async function confirmErase(opts: FlashOpts, out: Output): Promise<void> {
  if (!opts.erase || opts.yes) return;
  if (!process.stdin.isTTY) throw new CliError("--erase wipes the device's key, counters and credit: add --yes to confirm in a script");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(paint(out, "yellow", "--erase wipes the device's key, counters, credit and unsent readings. Type ERASE to go on: "));
  rl.close();
  if (answer.trim() !== "ERASE") throw new CliError("not erased, not flashed (type ERASE to confirm, or leave out --erase)");
}

function dryRun(out: Output, board: Board, port: string | undefined, baud: number, file: string, code: string, erase: boolean): void {
  checkFits(board, code);
  const sha = createHash("sha256").update(Buffer.from(code, "latin1")).digest("hex");
  const chunk = 4096;
  const n = Math.ceil(code.length / chunk);
  const wire = n * chunkWireBytes(chunk);
  const plan = {
    board: board.id, port: port ?? "(none given)", baud, bundle: file, bytes: code.length, sha256: sha,
    steps: [
      "probe: Ctrl-C, then ask the REPL for version, memory, Storage, crypto (lines start with 0x10: no echo)",
      "reset(): stop the running program (.bootcde does not run after reset())",
      erase ? "erase every sk.* file (keys, journals, outbox)" : "keep sk.* files (keys, counters, credit, outbox)",
      "erase .varimg and .bootrst if present (they would run instead of .bootcde)",
      "define upload helpers (per-chunk check, watchdog kick)",
      ...companionFiles(code).map((c) => `write ${c.name} (${c.data.length} B, read by the bundle) unless the board's copy already has the same SHA-256`),
      `unless the board's .bootcde already has this SHA-256 (then only the restart below), write .bootcde as binary packets (heatshrink) where the board takes them, else in chunks (size measured on the board; at ${chunk} B: ${n} chunks, ~${wire} bytes, ~${((wire * 10) / baud).toFixed(1)} s at ${baud} baud)`,
      "read back SHA-256 of .bootcde and compare",
      "load(): restart into the new bundle, watch it boot",
    ],
    firstLines: [`\\x10… ${helperExpr(true).slice(0, 100)}…`, `\\x10… ${chunkExpr(true, ".bootcde", code, 0, Math.min(chunk, code.length)).slice(0, 100)}…`],
  };
  if (out.jsonMode) return out.json({ dryRun: true, ...plan });
  out.line(`dry run: would flash ${file} (${code.length} bytes, sha256 ${sha.slice(0, 16)}…) to ${board.id} on ${plan.port} at ${baud} baud`);
  plan.steps.forEach((s, i) => out.line(`  ${i + 1}. ${s}`));
  out.line("  first lines sent:");
  for (const l of plan.firstLines) out.line(`    ${l}`);
}

function summary(out: Output, r: FlashResult, board: Board, port: string): void {
  if (out.jsonMode) {
    out.json({
      board: board.id, port, bytes: r.bytes, method: r.method, fallback: r.fallback, chunks: r.chunks, chunkBytes: r.chunkBytes, retries: r.retries, seconds: r.seconds,
      bytesPerSecond: Math.round(r.bytesPerSecond), check: r.check, verified: true, xoff: r.xoff, erased: r.erased, companions: r.companions,
      boot: r.boot, espruino: r.info.version, boardName: r.info.board,
    });
    return;
  }
  if (r.method === "unchanged") out.line(`${paint(out, "green", "✓")} ${board.id} on ${port} already holds this bundle (${r.bytes} bytes, same hash): not sent, restarted`);
  else out.line(`${paint(out, "green", "✓")} flashed ${r.bytes} bytes to ${board.id} on ${port} in ${r.seconds.toFixed(1)} s (${(r.bytesPerSecond / 1024).toFixed(1)} KiB/s, ${r.chunks} ${r.method === "repl" ? "chunks" : "packets"} of up to ${r.chunkBytes} B, ${r.method}${r.retries ? `, ${r.retries} resent` : ""})`);
  if (r.fallback) out.line(`  fell back to base64 chunks: ${r.fallback}`);
  out.line(`  verified  ${r.check.slice(0, 23)}… read back from the board`);
  for (const c of r.companions) out.line(`  ${c.sent ? "wrote    " : "kept     "} ${c.name} (${c.bytes} B${c.sent ? ", verified" : ": the board's copy was already right"})`);
  if (r.erased.length) out.line(`  erased    ${r.erased.join(", ")}`);
  const bootLine = r.boot.lines.find((l) => /solkit .* boot/.test(l)) ?? r.boot.lines[0] ?? "(nothing printed)";
  out.line(`  running   ${r.boot.solkit ? "solkit device program" : "bundle without the solkit program"}: ${bootLine.replace(/^>/, "")}`);
}

/** `solkit flash --board <id> --port <path>`. */
export const registerFlash: RegisterCommand = (program, ctx) => {
  program
    .command("flash")
    .description(commandSummary("flash"))
    .requiredOption("-b, --board <id>", "board id (see 'solkit boards')")
    .option("-p, --port <path>", "serial port (see 'solkit ports')")
    .option("--baud <rate>", "baud rate (default: the board file's)")
    .option("--bundle <file>", "flash this file instead of dist/<board>/firmware.js (firmware.lua on NodeMCU)")
    .option("--rebuild", "build the bundle even when it looks up to date")
    .option("--dry-run", "show what would be sent; do not open the port")
    .option("--erase", "also erase the device's provisioning data (sk.*: key, counters, credit)")
    .option("-y, --yes", "confirm --erase without asking")
    .option("--chunk <bytes>", "base64 chunk size instead of the measured one")
    .option("--no-packets", "send base64 text over the REPL, not binary packets")
    .option("--no-compress", "send packets uncompressed")
    .option("--no-lfs", "NodeMCU: upload the Lua source (compiled into RAM at each boot) instead of the LFS image")
    .option("-c, --config <file>", "gateway configuration whose registry holds a provisioned device's key, to open its locked console (default ./.solkit/gateway.db)")
    .addHelpText("after", EXAMPLES)
    .action(async (opts: FlashOpts) => {
      const out = ctx.output();
      const board = loadBoard(opts.board);
      if (board.target === "node") throw new CliError(`${board.id} runs Node, not a flashed program: copy dist/${board.id}/firmware.cjs, or 'solkit service install --board ${board.id}' on the Pi (docs/pi.md)`);
      const baud = parseBaud(opts.baud, board);
      try {
        const { file, code } = opts.bundle
          ? { file: opts.bundle, code: readFileSync(opts.bundle, "latin1") }
          : await bundleFor(board, { rebuild: opts.rebuild, onNote: (s) => out.info(s) });
        if (board.target === "nodemcu") {
          if (!opts.dryRun && !opts.port) throw new CliError("give the port with --port (run 'solkit ports' to list them)");
          if (!opts.dryRun) await confirmErase(opts, out);
          // --bundle X.img is an LFS image; otherwise the image the build left beside the bundle.
          const image = opts.lfs === false ? undefined : opts.bundle ? (opts.bundle.endsWith(".img") ? { file, data: code } : undefined) : lfsImageBeside(file);
          return ctx.exit(await flashNodemcuCommand(out, { board, port: opts.port, baud, file, code, lfsImage: image, erase: Boolean(opts.erase), dryRun: Boolean(opts.dryRun), database: registryDatabase(opts.config) }, opts.port ?? ""));
        }
        if (opts.dryRun) return dryRun(out, board, opts.port, baud, file, code, Boolean(opts.erase));
        if (!opts.port) throw new CliError("give the port with --port (run 'solkit ports' to list them)");
        await confirmErase(opts, out);
        const bar = progressPrinter((s) => process.stderr.write(s), Boolean(process.stderr.isTTY) && !out.quiet && !out.jsonMode);
        out.info(`flashing ${file} (${code.length} bytes) to ${board.id} on ${opts.port} at ${baud} baud`);
        let r: FlashResult;
        try {
          r = await flashBoard({
            path: opts.port, baud, board, code, erase: opts.erase, database: registryDatabase(opts.config), chunkBytes: opts.chunk ? Number(opts.chunk) : undefined,
            method: opts.packets === false ? "repl" : "auto", compress: opts.compress !== false,
            onNote: (s) => out.info(s), onProgress: (p) => (out.quiet ? undefined : bar.update(p)),
          });
        } finally {
          bar.done();
        }
        summary(out, r, board, opts.port);
        if (!r.boot.ok) {
          out.info(`the new bundle did not start cleanly: ${r.boot.lines.filter((l) => /Uncaught|Error/.test(l)).slice(0, 2).join(" | ") || "the board stopped answering"}`);
          return ctx.exit(EXIT_FAILED);
        }
        ctx.exit(EXIT_OK);
      } catch (e) {
        if (e instanceof SolkitError && (e.code === "E_TOO_BIG" || e.code === "E_UNSUPPORTED")) throw new CliError(e.message);
        throw cliError(e);
      }
    });
};
