/**
 * Randomness, hashing, the watchdog and reboot on a Pi. The kernel's RNG is trusted (the board
 * file says `trustedRng`): a device may make its key alone. The watchdog is a worker thread
 * watching a counter the event loop kicks: if the loop hangs past the timeout the worker kills
 * the whole process (SIGKILL: a hung loop cannot run an exit handler), and systemd starts it
 * again (`Restart=always` in the unit `solkit service install` writes). Reboot is the same
 * restart by a plain exit.
 */
import { createHash, randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";
import type { Platform } from "../../hal";

/** Exit code of a requested restart (EX_TEMPFAIL): systemd restarts the unit. */
export const RESTART_EXIT = 75;

const WATCHDOG_SOURCE = `
const { workerData } = require("node:worker_threads");
const kicks = new Int32Array(workerData.shared);
let seen = Atomics.load(kicks, 0);
let since = Date.now();
setInterval(() => {
  const now = Atomics.load(kicks, 0);
  if (now !== seen) { seen = now; since = Date.now(); return; }
  if (Date.now() - since > workerData.timeoutMs) {
    process.stderr.write("solkit: watchdog: the event loop did not run for " + workerData.timeoutMs + " ms; killing the process\\n");
    process.kill(workerData.pid, "SIGKILL");
  }
}, 250);
`;

export interface NodePlatformOptions {
  /** Starts the watchdog (default: the worker above); a test passes its own. */
  watchdog?: (timeoutS: number) => () => void;
  /** Ends the program for a restart (default process.exit(RESTART_EXIT)). */
  exit?: (code: number) => void;
  /** The random source (default the kernel's, node:crypto): the simulator's is seeded, so a run replays. */
  randomBytes?: (n: number) => Uint8Array;
}

function workerWatchdog(timeoutS: number): () => void {
  const shared = new SharedArrayBuffer(4);
  const kicks = new Int32Array(shared);
  const w = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { shared, timeoutMs: timeoutS * 1000, pid: process.pid } });
  w.unref(); // the watchdog never keeps a finished program alive
  return () => {
    Atomics.add(kicks, 0, 1);
  };
}

const hashWith = (alg: string) => (data: Uint8Array): Uint8Array => new Uint8Array(createHash(alg).update(data).digest());

export function nodePlatform(o: NodePlatformOptions = {}): Platform {
  let kick: () => void = () => {};
  return {
    randomBytes: o.randomBytes ?? ((n) => new Uint8Array(randomBytes(n))),
    sha256: hashWith("sha256"),
    sha512: hashWith("sha512"),
    enableWatchdog(timeoutS) {
      kick = (o.watchdog ?? workerWatchdog)(timeoutS);
    },
    kickWatchdog: () => kick(),
    reboot: () => (o.exit ?? process.exit)(RESTART_EXIT),
  };
}
