/**
 * GPIO lines of the kernel's character device (/dev/gpiochipN), through libgpiod's own tools
 * (Debian/Raspberry Pi OS package `gpiod`, 1.6 on bookworm): `gpioset --mode=signal` holds an
 * output for as long as it runs, `gpiomon` streams each edge with the kernel's timestamp.
 * Why the tools and not a binding: node-libgpiod and friends compile C++ against libgpiod-dev
 * on the Pi at install time (a toolchain on every device), and Node itself has no ioctl(); the
 * tools are the same library, installed with one `apt-get install gpiod`. A line changes level
 * by ending one gpioset and starting the next: in between the kernel releases the line to its
 * default (input), which for a relay driver means off — the fail-safe side — for a few ms.
 */
import { spawn as nodeSpawn, type ChildProcess } from "node:child_process";

export type Bias = "as-is" | "disable" | "pull-up" | "pull-down";

/** The lines the program uses; GpioLines is what the HAL's relay and pulse meter are built on. */
export interface GpioLines {
  /** Drives `line` to `level` and holds it until the next call or close(). */
  output(line: number, level: 0 | 1): void;
  /** Reports each `edge` of `line` with the kernel's timestamp in nanoseconds (as a number). */
  watch(line: number, edge: "rising" | "falling", bias: Bias, onEdge: (timeNs: number) => void): void;
  close(): void;
}

export interface GpiodCliOptions {
  /** gpiochip0 on a Pi (the 40-pin header's lines). */
  chip: string;
  /** Where the tool's complaints go (a missing chip, a busy line). */
  log: (text: string) => void;
  /** child_process.spawn, or a test's; PATH decides which gpioset/gpiomon run. */
  spawn?: typeof nodeSpawn;
  /** Wait before starting a tool again after it failed. */
  retryMs?: number;
}

/** A line number from a board file's pin name: "GPIO17" → 17. @throws Error on anything else */
export function lineOf(pin: string): number {
  const m = /^GPIO(\d{1,3})$/.exec(pin);
  if (m === null) throw new Error(`pin ${pin}: expected GPIO<n> (a line of the GPIO chip)`);
  return Number(m[1]);
}

export function gpiodCli(o: GpiodCliOptions): GpioLines {
  const spawn = o.spawn ?? nodeSpawn;
  const retryMs = o.retryMs ?? 2000;
  const holders = new Map<number, { proc: ChildProcess | undefined; level: 0 | 1; want: 0 | 1; retry: boolean; ending: boolean }>();
  /** Tools failing now: said once, until one works again (a missing chip would fill the journal). */
  const failing = new Set<string>();
  const monitors: ChildProcess[] = [];
  let closed = false;

  function complain(tool: string, line: number, proc: ChildProcess): void {
    let err = "";
    const key = `${tool} ${line}`;
    const say = (text: string): void => {
      if (!failing.has(key)) o.log(text);
      failing.add(key);
    };
    proc.stderr?.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-300);
    });
    proc.on("spawn", () => setTimeout(() => {
      if (proc.exitCode === null && failing.delete(key)) o.log(`${tool} on line ${line} works again`);
    }, 500));
    proc.on("error", (e) => say(`${tool}: ${e.message} (is the gpiod package installed?)`));
    proc.on("close", (code, signal) => {
      if (!closed && signal === null && code !== 0) say(`${tool} on line ${line} exited ${code}: ${err.trim().split("\n").pop() ?? ""}; trying again every ${retryMs} ms`);
    });
  }

  function hold(line: number): void {
    const h = holders.get(line)!;
    if (closed || h.proc !== undefined || h.retry) return;
    const proc = spawn("gpioset", ["--mode=signal", o.chip, `${line}=${h.want}`], { stdio: ["ignore", "ignore", "pipe"] });
    h.proc = proc;
    h.level = h.want;
    complain("gpioset", line, proc);
    proc.on("close", () => {
      h.proc = undefined;
      if (closed) return;
      if (h.ending) {
        h.ending = false;
        hold(line); // ended on purpose (gpioset exits 0 on SIGTERM): the next level
      } else {
        h.retry = true; // failed: try again later, with whatever level is wanted then
        setTimeout(() => {
          h.retry = false;
          hold(line);
        }, retryMs);
      }
    });
  }

  return {
    output(line, level) {
      let h = holders.get(line);
      if (h === undefined) {
        h = { proc: undefined, level, want: level, retry: false, ending: false };
        holders.set(line, h);
        hold(line);
        return;
      }
      h.want = level;
      if (h.proc !== undefined && h.level !== level) {
        if (!h.ending) h.proc.kill("SIGTERM");
        h.ending = true;
      } else hold(line); // no-op while one runs or a retry waits
    },
    watch(line, edge, bias, onEdge) {
      const start = (): void => {
        if (closed) return;
        const args = ["--line-buffered", `--bias=${bias}`, edge === "rising" ? "--rising-edge" : "--falling-edge", "--format=%e %s %n", o.chip, String(line)];
        const proc = spawn("gpiomon", args, { stdio: ["ignore", "pipe", "pipe"] });
        monitors.push(proc);
        complain("gpiomon", line, proc);
        let rest = "";
        proc.stdout?.on("data", (d: Buffer) => {
          const lines = (rest + d.toString()).split("\n");
          rest = lines.pop() ?? "";
          for (const l of lines) {
            const m = /^([01]) (\d+) (\d+)$/.exec(l.trim());
            if (m !== null) onEdge(Number(m[2]) * 1e9 + Number(m[3]));
          }
        });
        proc.on("close", () => {
          monitors.splice(monitors.indexOf(proc), 1);
          if (!closed) setTimeout(start, retryMs);
        });
      };
      start();
    },
    close() {
      closed = true;
      for (const h of holders.values()) h.proc?.kill("SIGTERM");
      for (const m of monitors) m.kill("SIGTERM");
    },
  };
}
