/**
 * One build of a board's firmware at a time, across processes: vitest's workers, a fleet's
 * threads and a `solkit sim` started beside them all call ensureFirmware (artifact.ts), and
 * each used to build the same dist/<board>/ when it found it stale — minutes of duplicated
 * CPU at the start of a test run, and a window in which one worker read a bundle another was
 * replacing. The lock is a file made with O_EXCL holding the builder's pid; a waiter polls,
 * then finds the firmware fresh and builds nothing. A lock whose process is gone (a build
 * killed mid-way) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { SolkitError } from "../../shared/errors";

/** How often a waiter looks at the lock. */
const POLL_MS = 100;
/** A lock file with no readable pid this old was left by a process that died writing it. */
const UNREADABLE_STALE_MS = 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // there, but not ours to signal
  }
}

/** True when the lock at `file` belongs to no running process. */
function stale(file: string): boolean {
  let text: string;
  let age: number;
  try {
    text = readFileSync(file, "utf8");
    age = Date.now() - statSync(file).mtimeMs;
  } catch {
    return false; // gone already: the next try takes it
  }
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return age > UNREADABLE_STALE_MS;
  return !alive(pid);
}

/**
 * Runs `body` holding the lock file `file` (made if free, waited for if held).
 * @throws SolkitError E_BUILD_LOCK when another live process holds it past `waitMs`
 */
export async function withBuildLock<T>(file: string, body: () => Promise<T>, waitMs = 15 * 60_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(file, "wx");
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (stale(file)) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new SolkitError("E_BUILD_LOCK", `another build has held ${file} for over ${Math.round(waitMs / 1000)} s; if no build is running, delete that file`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await body();
  } finally {
    rmSync(file, { force: true });
  }
}
