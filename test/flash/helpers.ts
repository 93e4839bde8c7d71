/**
 * Shared by the flash/provision/monitor tests: pty boards that are always stopped, the real
 * firmware built once per file, small bundles, the real `solkit` command run asynchronously
 * (the board's real-time loop runs in this process, so a synchronous spawn would freeze it),
 * and a fake device on a pty that answers as another firmware would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { cachedFirmware } from "../build-cache";
import { startPtyBoard, type PtyBoard, type PtyBoardOptions } from "../../simulator/pty-board";

export const BIN = join(__dirname, "..", "..", "bin", "solkit.mjs");
export const esp32 = loadBoard("esp32-devkitc");

export function tempDir(prefix = "solkit-flash-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Builds the esp32-devkitc firmware into a temporary folder; returns the bundle text. */
export async function buildEsp32(): Promise<string> {
  return (await cachedFirmware(esp32)).code;
}

/** A bundle of about `bytes` that prints `tag` at boot (comment padding: bytes, not time). */
export function smallBundle(tag: string, bytes = 12_000): string {
  const body = `var TAG=${JSON.stringify(tag)};print("bundle "+TAG+" running");\n`;
  let pad = "";
  for (let i = 0; pad.length < bytes - body.length; i++) pad += `// padding line ${i} ${"abcdefghij".repeat(5)}\n`;
  return pad + body;
}

/** Tracks pty boards and child processes so afterEach can end them all. */
export class Rig {
  private boards: PtyBoard[] = [];
  private procs: ChildProcess[] = [];
  private servers: Server[] = [];

  async board(opts: Partial<PtyBoardOptions> = {}): Promise<PtyBoard> {
    const b = await startPtyBoard({ board: esp32, path: join(tempDir("solkit-pty-"), "ttyBOARD"), seed: 11, baud: 921_600, ...opts });
    this.boards.push(b);
    return b;
  }

  /** Runs `solkit args…`; resolves with its exit status and output. */
  run(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: "1", ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    this.procs.push(p);
    let stdout = "";
    let stderr = "";
    p.stdout!.on("data", (d) => (stdout += d));
    p.stderr!.on("data", (d) => (stderr += d));
    return new Promise((resolve) => p.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr })));
  }

  /** A process that holds `path` open and flock()ed, as another terminal program would. */
  async holder(path: string): Promise<ChildProcess> {
    const p = spawn("flock", ["-x", path, "sleep", "60"], { stdio: "ignore" });
    this.procs.push(p);
    await new Promise((r) => setTimeout(r, 300));
    return p;
  }

  /** A pty at `path` whose other end answers every line with `answer(line)` (another firmware). */
  async fakeDevice(path: string, answer: (line: string) => string): Promise<void> {
    const server = createServer((s: Socket) => {
      let buf = "";
      s.on("data", (d) => {
        buf += d.toString("latin1");
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          s.write(answer(line));
        }
      });
      s.on("error", () => {});
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    this.servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const p = spawn("socat", [`pty,raw,echo=0,link=${path}`, `tcp:127.0.0.1:${port}`], { stdio: "ignore" });
    this.procs.push(p);
    await waitFor(() => existsSync(path), "the fake device's pty");
  }

  async cleanup(): Promise<void> {
    for (const b of this.boards.splice(0)) await b.stop();
    for (const p of this.procs.splice(0)) {
      if (p.exitCode === null && p.signalCode === null) {
        const gone = new Promise((r) => p.once("close", r));
        p.kill("SIGTERM");
        await gone;
      }
    }
    for (const s of this.servers.splice(0)) await new Promise((r) => s.close(() => r(undefined)));
  }
}
