import { spawnSync } from "node:child_process";
import { join } from "node:path";

const BIN = join(__dirname, "..", "..", "bin", "solkit.mjs");

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `solkit` command (as a user would) with optional standard input. */
export function solkit(args: string[], input?: string): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: input ?? "", encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
