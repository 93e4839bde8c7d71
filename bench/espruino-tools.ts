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

/**
 * Uploads `code` with EspruinoTools to the console at 127.0.0.1:`tcpPort`, saving it as
 * .bootcde; resolves when its CLI exits.
 */
export async function espruinoToolsUpload(code: string, tcpPort: number, opts: { board?: string; version?: string; timeoutMs?: number } = {}): Promise<EspruinoToolsRun> {
  const dir = mkdtempSync(join(tmpdir(), "solkit-espruino-"));
  const file = join(dir, "bundle.js");
  const boardJson = join(dir, "board.json");
  writeFileSync(file, code, "latin1");
  writeFileSync(boardJson, JSON.stringify({ BOARD: opts.board ?? "ESP32", info: { binary_version: opts.version ?? "2v29", builtin_modules: ["Storage", "crypto", "net", "Flash", "heatshrink"] } }));
  const cli = createRequire(import.meta.url).resolve("espruino/bin/espruino-cli.js");
  const args = [cli, "--no-ble", "-p", `tcp://127.0.0.1:${tcpPort}`, "--board", boardJson, "--config", "SAVE_ON_SEND=1", "--config", `MODULE_URL=${join(dir, "no-modules")}`, file];
  const t0 = performance.now();
  const p = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  p.stdout!.on("data", (d) => (output += d));
  p.stderr!.on("data", (d) => (output += d));
  const timer = setTimeout(() => p.kill("SIGTERM"), opts.timeoutMs ?? 300_000);
  const status = await new Promise<number>((r) => p.on("close", (c) => r(c ?? -1)));
  clearTimeout(timer);
  return { status, seconds: (performance.now() - t0) / 1000, output };
}
