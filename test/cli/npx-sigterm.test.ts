/**
 * SIGTERM to `npx solkit …` stops solkit and its children (issue 11): npm passes the signal to
 * `sh -c solkit`, which dies without passing it on; cli/orphan-watch.ts makes the orphaned
 * solkit stop as if it had the signal. Checked with `sim --pty`: its socat and its pty link
 * must be gone, not left running for the next user of that path.
 */
import { expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** Pids whose command line mentions `text` (from /proc, as ps would). */
function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, "latin1").includes(text)) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("SIGTERM to npx stops solkit sim --pty, its socat and its pty link", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "solkit-npx-")), "ttyNPX");
  const npx = spawn("npx", ["--no", "--", "solkit", "sim", "--board", "esp32-devkitc", "--pty", path], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  npx.stderr.on("data", (d) => (err += d));
  try {
    await until(() => /Ctrl-C stops it/.test(err), 120_000, "the board on its pty");
    expect(processesWith(path).length).toBeGreaterThanOrEqual(2); // solkit (node) and socat
    npx.kill("SIGTERM");
    await until(() => processesWith(path).length === 0, 15_000, "solkit and socat to stop");
    expect(existsSync(path)).toBe(false);
  } finally {
    for (const pid of processesWith(path)) process.kill(pid, "SIGKILL");
  }
}, 180_000);
