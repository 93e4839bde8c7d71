/**
 * Running the `espruino` package's own upload (EspruinoTools 0.1.67, its CLI) as the
 * comparison for `solkit flash`: the same bundle saved to the board's flash as .bootcde
 * ("Save on Send" = 1, which writes .bootcde with Storage.write chunks, then load()).
 *
 * Why tcp:// and not the pty: EspruinoTools checks a serial port against serialport's list(),
 * which needs udevadm, so it cannot open a pseudo-terminal on these machines (DESIGN.md); it
 * does speak tcp://host:port, and the pty board serves the same console, through the same
 * baud-rate model, on a TCP port. It is given a board JSON file so that it fetches neither the
 * board description nor module sources from the web (its defaults would), and --no-ble
 * (its Bluetooth modules crash without D-Bus).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface EspruinoToolsRun {
  status: number;
  seconds: number;
  output: string;
}

/** One run of the espruino CLI against the console at 127.0.0.1:`tcpPort`. */
async function runCli(args: string[], timeoutMs: number): Promise<EspruinoToolsRun> {
  const cli = createRequire(import.meta.url).resolve("espruino/bin/espruino-cli.js");
  const t0 = performance.now();
  const p = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  p.stdout!.on("data", (d) => (output += d));
  p.stderr!.on("data", (d) => (output += d));
  const timer = setTimeout(() => p.kill("SIGTERM"), timeoutMs);
  const status = await new Promise<number>((r) => p.on("close", (c) => r(c ?? -1)));
  clearTimeout(timer);
  return { status, seconds: (performance.now() - t0) / 1000, output };
}

/**
 * Uploads `code` with EspruinoTools to the console at 127.0.0.1:`tcpPort`, saving it as
 * .bootcde; resolves when its CLI exits. `files` (the bundle's companions) go first, by a run
 * of their own with `--storage name:file` (its Storage.write chunks typed into the REPL): in
 * the same run as the code, Save on Send would store those upload lines inside .bootcde.
 */
export async function espruinoToolsUpload(
  code: string,
  tcpPort: number,
  opts: { board?: string; version?: string; timeoutMs?: number; files?: { name: string; data: Uint8Array }[] } = {},
): Promise<EspruinoToolsRun> {
  const dir = mkdtempSync(join(tmpdir(), "solkit-espruino-"));
  const file = join(dir, "bundle.js");
  const boardJson = join(dir, "board.json");
  writeFileSync(file, code, "latin1");
  writeFileSync(boardJson, JSON.stringify({ BOARD: opts.board ?? "ESP32", info: { binary_version: opts.version ?? "2v29", builtin_modules: ["Storage", "crypto", "net", "Flash", "heatshrink"] } }));
  const common = ["--no-ble", "-p", `tcp://127.0.0.1:${tcpPort}`, "--board", boardJson, "--config", `MODULE_URL=${join(dir, "no-modules")}`];
  const timeoutMs = opts.timeoutMs ?? 300_000;
  let seconds = 0;
  let output = "";
  const files = opts.files ?? [];
  if (files.length > 0) {
    const storage = files.flatMap((f, i) => {
      const path = join(dir, `file${i}.bin`);
      writeFileSync(path, f.data);
      return ["--storage", `${f.name}:${path}`];
    });
    const r = await runCli([...common, ...storage], timeoutMs);
    seconds += r.seconds;
    output += r.output;
    if (r.status !== 0) return { status: r.status, seconds, output };
  }
  const r = await runCli([...common, "--config", "SAVE_ON_SEND=1", file], timeoutMs);
  return { status: r.status, seconds: seconds + r.seconds, output: output + r.output };
}
