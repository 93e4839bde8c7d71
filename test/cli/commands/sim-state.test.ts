/**
 * `solkit sim --pty --state DIR` (issue 11): a simulated board keeps its flash — keys, credit,
 * console lock — across simulator restarts, as a real board across power cycles; and fresh
 * boards get keys of their own.
 */
import { describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBoard } from "../../../boards/validate";
import { provisionDevice } from "../../../flash/provision";
import { typedStatus } from "../../../flash/maintenance";
import { closePort, openPort } from "../../../flash/port-open";
import { ReplSession } from "../../../flash/repl-session";

const BIN = join(__dirname, "..", "..", "..", "bin", "solkit.mjs");
const board = loadBoard("esp32-devkitc");

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `solkit sim --pty` in a child process, until it says it runs; returns it and its stderr so far. */
async function sim(path: string, state: string): Promise<{ child: ChildProcess; err: () => string }> {
  const child = spawn(process.execPath, [BIN, "sim", "--board", board.id, "--pty", path, "--state", state], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  await until(() => /Ctrl-C stops it/.test(err), 120_000, "the board on its pty");
  return { child, err: () => err };
}

async function stop(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGINT");
  await gone;
}

async function status(path: string): Promise<string> {
  const port = await openPort(path, 115200);
  try {
    return await typedStatus(new ReplSession(port, 115200), 10_000);
  } finally {
    await closePort(port);
  }
}

describe("solkit sim --pty --state", () => {
  it("keeps keys, site and the console lock across restarts; another fresh board makes another key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "solkit-sim-state-"));
    const state = join(dir, "state");
    const path = join(dir, "ttyA");
    const database = join(dir, "gateway.db");
    const first = await sim(path, state);
    expect(first.err()).toMatch(/seed \d+; flash kept in .*esp32-devkitc\.flash\)/);
    let id = "";
    try {
      id = (await provisionDevice({ path, baud: 115200, board, site: "kept", database })).id;
    } finally {
      await stop(first.child);
    }
    const file = join(state, "esp32-devkitc.flash");
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = await sim(path, state);
    try {
      expect(again.err()).toMatch(/flash restored from .*esp32-devkitc\.flash/);
      const s = await status(path);
      expect(s).toContain(`id: ${id}`);
      expect(s).toContain("site: kept");
      expect(s).toMatch(/^console: locked/m);
    } finally {
      await stop(again.child);
    }

    const other = await sim(join(dir, "ttyB"), join(dir, "state-b"));
    try {
      const id2 = (await provisionDevice({ path: join(dir, "ttyB"), baud: 115200, board, site: "other", database })).id;
      expect(id2).not.toBe(id);
    } finally {
      await stop(other.child);
    }
  }, 300_000);
});
