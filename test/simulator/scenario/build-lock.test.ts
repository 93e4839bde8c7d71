/**
 * One firmware build at a time across processes (build-lock.ts): holders never overlap, in one
 * process or several; a lock left by a dead process is taken over; a live holder that never
 * lets go gets a clear error after the wait.
 */
import { afterEach, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { withBuildLock } from "../../../simulator/scenario/build-lock";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "solkit-lock-"));
  dirs.push(d);
  return d;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOOKS = resolve("bin/ts-hooks.mjs");
const LOCK_MODULE = resolve("simulator/scenario/build-lock.ts");

/** Intervals [start, end] from a log of "start <n>" / "end <n>" lines, checked to not overlap. */
function expectNoOverlap(log: string, holders: number): void {
  const lines = log.trim().split("\n");
  expect(lines).toHaveLength(2 * holders);
  for (let i = 0; i < lines.length; i += 2) {
    const [a, who] = lines[i].split(" ");
    expect(a).toBe("start");
    expect(lines[i + 1]).toBe(`end ${who}`); // the next line closes the same holder's interval
  }
}

describe("withBuildLock", () => {
  it("lets one holder in at a time within a process", async () => {
    const dir = temp();
    const lock = join(dir, "x.lock");
    const log = join(dir, "log");
    writeFileSync(log, "");
    await Promise.all([1, 2, 3].map((n) => withBuildLock(lock, async () => {
      appendFileSync(log, `start ${n}\n`);
      await sleep(50);
      appendFileSync(log, `end ${n}\n`);
    })));
    expectNoOverlap(readFileSync(log, "utf8"), 3);
    expect(existsSync(lock)).toBe(false);
  });

  it("lets one process in at a time", async () => {
    const dir = temp();
    const lock = join(dir, "x.lock");
    const log = join(dir, "log");
    writeFileSync(log, "");
    const script = `import { register } from "node:module"; import { pathToFileURL } from "node:url"; import { appendFileSync } from "node:fs";
register(pathToFileURL(${JSON.stringify(HOOKS)}));
const { withBuildLock } = await import(${JSON.stringify(LOCK_MODULE)});
await withBuildLock(${JSON.stringify(lock)}, async () => {
  appendFileSync(${JSON.stringify(log)}, "start " + process.pid + "\\n");
  await new Promise((r) => setTimeout(r, 300));
  appendFileSync(${JSON.stringify(log)}, "end " + process.pid + "\\n");
});`;
    const runs = [1, 2, 3].map(() => new Promise<number>((res) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "inherit"] });
      child.on("exit", (code) => res(code ?? -1));
    }));
    expect(await Promise.all(runs)).toEqual([0, 0, 0]);
    expectNoOverlap(readFileSync(log, "utf8"), 3);
  });

  it("takes over a lock whose process is gone", async () => {
    const dir = temp();
    const lock = join(dir, "x.lock");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    writeFileSync(lock, dead); // a build killed mid-way left it
    expect(await withBuildLock(lock, async () => "built", 2000)).toBe("built");
    expect(existsSync(lock)).toBe(false);
  });

  it("names the lock file when a live holder keeps it past the wait", async () => {
    const dir = temp();
    const lock = join(dir, "x.lock");
    writeFileSync(lock, String(process.ppid)); // alive: the process that started this test's worker
    await expect(withBuildLock(lock, async () => "never", 300)).rejects.toThrow(/another build has held .*x\.lock.*delete that file/);
    expect(existsSync(lock)).toBe(true); // not ours to remove
  });
});
