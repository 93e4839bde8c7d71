/**
 * A board made of the real Espruino interpreter (a Linux build) behind a pseudo-terminal,
 * so `solkit flash`, `provision`, `monitor` and the gateway talk to it as to hardware.
 *
 * Per the builds' README (../shared/espruino/README.md): the board's folder is its flash
 * (`espruino.flash`, with `.bootcde` run at start) and its pins (a fake sysfs tree `./gpio`
 * with `gpioN/direction` and `gpioN/value`, pins D0…D32). socat makes the pty. The interpreter
 * ignores SIGTERM, so power is cut with SIGKILL to its own pid — which is also how a test
 * pulls the plug mid-write.
 *
 * The console is the interpreter's telnet server, not its standard input: the Linux build
 * reads stdin on a second thread that pushes into Espruino's IO ring buffer, whose code counts
 * on interrupts being off, which a thread does not honour (targets/linux/jshardware.c,
 * jshInputThread). Under a long line the interpreter then now and then spins at full CPU or
 * dies (measured, issue 9: `solkit flash` of the esp32 bundle failed 4 of 7 times over stdin,
 * 0 of 5 over telnet). Telnet input is read on the main thread, as a board's UART is served
 * by its own interrupt. The telnet port is fixed (2323), so each board gets its own network
 * namespace (`unshare -n`, root); where that is not allowed the board falls back to stdin.
 * console-bridge.mjs carries the bytes and turns Ctrl-C into "erase the line": the build's
 * Ctrl-C can exit it or leave every callback interrupted, which no board does.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SolkitError } from "../../shared/errors";

/** Pins the Linux build knows (README: D0…D32). */
export const LINUX_PINS = 33;

export interface RealBoardOptions {
  /** The interpreter binary (interpreter.ts finds it). */
  bin: string;
  /** The board's folder: flash and pins live here and survive restarts. */
  dir: string;
  /** Extra arguments for the interpreter (e.g. a file to run). */
  args?: string[];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Creates the fake sysfs tree: every pin an input reading 1 (pull-up idle), as on a board at rest. */
export function makeGpioTree(dir: string): void {
  const g = join(dir, "gpio");
  mkdirSync(g, { recursive: true });
  for (const f of ["export", "unexport"]) if (!existsSync(join(g, f))) writeFileSync(join(g, f), "");
  for (let n = 0; n < LINUX_PINS; n++) {
    const p = join(g, `gpio${n}`);
    if (existsSync(p)) continue;
    mkdirSync(p);
    writeFileSync(join(p, "direction"), "in");
    writeFileSync(join(p, "value"), "1");
  }
}

/** The pin number of an Espruino pin name ("D26" → 26). @throws SolkitError E_PIN */
export function linuxPin(name: string): number {
  const m = /^D(\d+)$/.exec(name);
  if (!m || Number(m[1]) >= LINUX_PINS) throw new SolkitError("E_PIN", `pin ${name}: the Linux build has D0…D${LINUX_PINS - 1} only`);
  return Number(m[1]);
}

/** Interpreter and socat pids still running: killed when this process exits, however it exits. */
const LIVE = new Set<number>();
let exitHookSet = false;
function killAllOnExit(): void {
  if (exitHookSet) return;
  exitHookSet = true;
  process.on("exit", () => {
    for (const pid of LIVE) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
  });
}

let namespaces: boolean | undefined = undefined;

/** Whether this machine lets us make a network namespace with loopback up (root, iproute2). */
export function canIsolateNetwork(): boolean {
  if (namespaces === undefined) {
    const r = spawnSync("unshare", ["-n", "sh", "-c", "ip link set lo up"], { stdio: "ignore", timeout: 10_000 });
    namespaces = r.status === 0;
  }
  return namespaces;
}

/**
 * The shell script run in the board's own network namespace: the interpreter with its telnet
 * console, its pid on stdout, then socat between the pty and console-bridge.mjs. The
 * interpreter's stdin must never end: at end of input the build's stdin thread reads the same
 * garbage byte for ever (getch() on EOF), filling its input with junk (FIFO_FULL, LOW_MEMORY,
 * "Execution Interrupted"). sh gives a background command /dev/null as stdin before its own
 * redirections, so the spawning process's pipe (open and silent) is kept on fd 3 and handed over.
 */
const TELNET_SCRIPT =
  'ip link set lo up || exit 97; exec 3<&0; "$0" --telnet "$@" <&3 3<&- >/dev/null 2>&1 & echo "interpreter $!"; exec 3<&-; ' +
  'exec socat "PTY,link=$SOLKIT_TTY,raw,echo=0" "EXEC:$SOLKIT_NODE $SOLKIT_BRIDGE"';

/** console-bridge.mjs, beside this file. */
const BRIDGE = fileURLToPath(new URL("./console-bridge.mjs", import.meta.url));

export class RealBoard {
  /** The pty the host opens (a symlink in the board's folder). */
  readonly path: string;
  private socat: ChildProcess | undefined;
  private pid = 0;

  constructor(readonly o: RealBoardOptions) {
    this.path = join(o.dir, "tty");
    mkdirSync(o.dir, { recursive: true });
    makeGpioTree(o.dir);
  }

  /** Powers the board on: the interpreter starts and runs `.bootcde` from its flash file. */
  async powerOn(): Promise<void> {
    if (this.socat) throw new SolkitError("E_STATE", "the board is already on");
    if (canIsolateNetwork()) await this.startOnTelnet();
    else await this.startOnStdin();
    killAllOnExit();
  }

  private async startOnTelnet(): Promise<void> {
    const child = spawn("unshare", ["-n", "sh", "-c", TELNET_SCRIPT, this.o.bin, ...(this.o.args ?? [])], {
      cwd: this.o.dir,
      stdio: ["pipe", "pipe", "ignore"],
      env: { ...process.env, SOLKIT_TTY: this.path, SOLKIT_NODE: process.execPath, SOLKIT_BRIDGE: BRIDGE },
    });
    this.socat = child;
    child.on("exit", () => {
      if (this.socat === child) this.socat = undefined;
    });
    let said = "";
    child.stdout!.on("data", (d: Buffer) => {
      said += d.toString();
    });
    if (child.pid) LIVE.add(child.pid);
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      const m = /interpreter (\d+)/.exec(said);
      if (m && this.pid === 0) {
        this.pid = Number(m[1]);
        LIVE.add(this.pid);
      }
      // The link appears once socat is connected to the console.
      if (this.pid > 0 && existsSync(this.path)) return;
      if (child.exitCode !== null) break;
      await sleep(20);
    }
    await this.powerOff();
    throw new SolkitError("E_START", `the interpreter did not start behind socat on its telnet console (${this.o.bin})`);
  }

  private async startOnStdin(): Promise<void> {
    const exec = [this.o.bin, ...(this.o.args ?? [])].join(" ");
    const child = spawn("socat", [`PTY,link=${this.path},raw,echo=0`, `EXEC:${exec},pty,raw,echo=0`], { cwd: this.o.dir, stdio: "ignore" });
    this.socat = child;
    child.on("exit", () => {
      if (this.socat === child) this.socat = undefined;
    });
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      const pid = childPid(child.pid ?? 0);
      if (pid > 0 && existsSync(this.path)) {
        this.pid = pid;
        LIVE.add(pid);
        if (child.pid) LIVE.add(child.pid);
        return;
      }
      if (child.exitCode !== null) break;
      await sleep(20);
    }
    throw new SolkitError("E_START", `the interpreter did not start behind socat (${this.o.bin})`);
  }

  /** The interpreter's own pid (0 while off). */
  get interpreterPid(): number {
    return this.socat ? this.pid : 0;
  }

  /** True while powered. */
  get isOn(): boolean {
    return this.socat !== undefined;
  }

  /** Cuts power at once: SIGKILL to the interpreter, then socat and its pty go. */
  async powerOff(): Promise<void> {
    const child = this.socat;
    if (!child) return;
    if (this.pid > 0) {
      try {
        process.kill(this.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    const gone = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
    const t = setTimeout(() => child.kill("SIGKILL"), 2000);
    await gone;
    clearTimeout(t);
    LIVE.delete(this.pid);
    if (child.pid) LIVE.delete(child.pid);
    this.socat = undefined;
    this.pid = 0;
  }

  /** Drives input pin `name` (0 or 1), as the meter's S0 contact does. */
  setInput(name: string, level: 0 | 1): void {
    writeFileSync(join(this.o.dir, "gpio", `gpio${linuxPin(name)}`, "value"), String(level));
  }

  /** One S0 pulse on an active-low input: low for `widthMs`, then high again. */
  async pulse(name: string, widthMs = 50): Promise<void> {
    this.setInput(name, 0);
    await sleep(widthMs);
    this.setInput(name, 1);
  }

  /** The level the firmware drives on output `name`, and whether it is an output at all. */
  output(name: string): { direction: string; value: number } {
    const p = join(this.o.dir, "gpio", `gpio${linuxPin(name)}`);
    return { direction: readFileSync(join(p, "direction"), "utf8").trim(), value: Number(readFileSync(join(p, "value"), "utf8").trim()) };
  }
}

/** The first child of `pid` (socat's EXEC child is the interpreter), or 0. */
function childPid(pid: number): number {
  if (pid <= 0) return 0;
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    for (const t of tasks) {
      const kids = readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim();
      if (kids !== "") return Number(kids.split(/\s+/)[0]);
    }
  } catch {
    // /proc without children files: ask pgrep
    const r = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" });
    const first = (r.stdout ?? "").trim().split("\n")[0];
    if (first) return Number(first);
  }
  return 0;
}
