/**
 * Runs a Lua file with Debian's real `lua5.3` (the NodeMCU target's language; DESIGN.md,
 * "Targets"). The seed of the NodeMCU emulation: later the NodeMCU API (gpio, tmr, file)
 * is preloaded here the way simulator/espruino/sandbox.ts grows the Espruino API.
 */
import { spawn } from "node:child_process";
import { SolkitError } from "../../shared/errors";

export interface LuaRunResult {
  stdout: string;
  stderr: string;
  /** Process exit code (a Lua error exits 1). */
  code: number;
}

export interface LuaRunOptions {
  /** The interpreter (default "lua5.3", or $SOLKIT_LUA). */
  lua?: string;
  /** Kill after this many ms (default 120 000). */
  timeoutMs?: number;
  /** Arguments after the file name (Lua's `arg`). */
  args?: string[];
  /** Interpreter options before the file name (luac.cross: ["-F", image, "-e"]). */
  options?: string[];
}

/**
 * Runs `file` with lua5.3 and captures its output. A Lua error is a result (code 1), not a throw.
 * @throws SolkitError E_LUA_MISSING when the interpreter is not installed
 * @throws SolkitError E_TIMEOUT when the run takes longer than `timeoutMs`
 */
export function runLuaFile(file: string, opts: LuaRunOptions = {}): Promise<LuaRunResult> {
  const lua = opts.lua ?? process.env.SOLKIT_LUA ?? "lua5.3";
  return new Promise((resolve, reject) => {
    const child = spawn(lua, [...(opts.options ?? []), file, ...(opts.args ?? [])], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new SolkitError("E_TIMEOUT", `${lua} ${file} took longer than ${opts.timeoutMs ?? 120_000} ms`));
    }, opts.timeoutMs ?? 120_000);
    child.on("error", (e: any) => {
      clearTimeout(timer);
      if (e && e.code === "ENOENT") {
        reject(new SolkitError("E_LUA_MISSING", `${lua} not found: install it with \`apt-get install lua5.3\``));
      } else {
        reject(new SolkitError("E_LUA", `could not start ${lua}: ${e && e.message}`));
      }
    });
    child.on("close", (code: number | null) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? 1 });
    });
  });
}
