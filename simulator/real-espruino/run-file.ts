/**
 * Runs one JavaScript file on a real Espruino build and collects what it prints until `done`
 * matches (or the process exits, or `timeoutMs` passes). The interpreter waits at its prompt
 * after the file and ignores SIGTERM, so it is always ended with SIGKILL; stdin stays an open
 * pipe, because at end of input the Linux build prints FIFO_FULL errors.
 */
import { spawn } from "node:child_process";

/** Everything printed; `timedOut` when neither `done` nor an exit came in time. */
export function runFileOnInterpreter(bin: string, file: string, cwd: string, done: RegExp, timeoutMs: number): Promise<{ out: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(bin, [file], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let settled = false;
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      resolve({ out, timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    const take = (d: Buffer) => {
      out += d.toString("latin1");
      if (done.test(out)) finish(false);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("exit", () => finish(false));
  });
}
