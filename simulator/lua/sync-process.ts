/**
 * A child process spoken to synchronously: the simulator's boards are driven by plain calls
 * (SimBoard.advance returns when the time has passed), and a process answers asynchronously.
 * A worker thread owns the child's pipes; `call` hands it one command line through shared
 * message and sleeps (Atomics.wait on shared memory) until the worker has put the child's whole
 * answer there — every line up to the one `done` matches and that ends with the command's tag
 * (each command goes as "<line> #<n>", and its done line ends " <n>"; 0 at the child's start),
 * or the child's end. A digest the child asks for ("H …") is answered "h <hex>" on its stdin.
 */
import { Worker } from "node:worker_threads";

const BYTES = 8 << 20;

const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const { spawn } = require("node:child_process");
const { createHash } = require("node:crypto");
const ctl = new Int32Array(workerData.sab, 0, 2);
const data = new Uint8Array(workerData.sab, 8);
const done = new RegExp(workerData.done);
let child;
let lines = [], rest = "", ended = false, waiting = false, err = "";
// Each command line goes out tagged " #<n>" and only the done line that ends with its tag
// answers it: an answer can never be taken for the next command's (a stale done line, say).
let seq = 0, want = "0";
function answer(text) {
  const bytes = Buffer.from(text);
  if (bytes.length > data.length) throw new Error("answer too long");
  data.set(bytes);
  Atomics.store(ctl, 1, bytes.length);
  waiting = false;
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}
// Answers the waiting call once a done line (or the child's end) is there; later lines wait.
function tryReply() {
  if (!waiting) return;
  const i = lines.findIndex((l) => done.test(l) && l.endsWith(" " + want));
  if (i >= 0) return answer(lines.splice(0, i + 1).join("\\n"));
  if (ended) {
    const all = lines.splice(0);
    all.push("__EXIT__ " + err.slice(-400).replace(/\\n/g, " "));
    answer(all.join("\\n"));
  }
}
function start(cmd, args) {
  if (child) {
    child.removeAllListeners();
    child.stdout.removeAllListeners();
    child.kill("SIGKILL");
  }
  lines = []; rest = ""; ended = false; err = "";
  const c = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
  child = c;
  c.stdout.on("data", (d) => {
    if (c !== child) return;
    const parts = (rest + d.toString()).split("\\n");
    rest = parts.pop();
    for (const l of parts) {
      // "H <algo> <hex>": the child asks for a digest and waits on its stdin (the NodeMCU crypto module's C code).
      if (workerData.hashes && l.startsWith("H ")) {
        const [, algo, hex] = l.split(" ");
        c.stdin.write("h " + createHash(algo.toLowerCase()).update(Buffer.from(hex || "", "hex")).digest("hex") + "\\n");
      } else lines.push(l);
    }
    tryReply();
  });
  c.stderr.on("data", (d) => (err += d.toString()));
  c.on("close", () => {
    if (c !== child) return;
    if (rest) lines.push(rest);
    rest = "";
    ended = true;
    tryReply();
  });
  c.on("error", (e) => (err += e.message));
  c.stdin.on("error", () => {});
}
start(workerData.cmd, workerData.args);
// Commands come as messages (delivered while the main thread sleeps); the answer goes back
// through shared memory, where the main thread waits for it.
parentPort.on("message", (m) => {
  if (m.spawn) start(m.spawn.cmd, m.spawn.args);
  waiting = true;
  want = "0"; // what a child says at its start is tagged 0
  if (m.line && !ended) {
    want = String(++seq);
    child.stdin.write(m.line + " #" + want + "\\n");
  }
  tryReply();
});
`;

export class SyncProcess {
  private readonly sab = new SharedArrayBuffer(8 + BYTES);
  private readonly ctl = new Int32Array(this.sab, 0, 2);
  private readonly data = new Uint8Array(this.sab, 8);
  private readonly worker: Worker;
  ended = false;
  /** Exchanges with the child so far (each one a round trip the caller sleeps through). */
  exchanges = 0;

  /** The command line, for messages. */
  private cmd: string;

  /**
   * Starts `cmd args`; `done` matches the line that ends each answer. With `hashes`, a line
   * "H <algo> <hex>" from the child is answered at once on its stdin with the digest's hex.
   */
  constructor(cmd: string, args: string[], done: RegExp, hashes = false) {
    this.cmd = `${cmd} ${args.join(" ").slice(0, 200)}`;
    // execArgv []: no loader hooks of the parent (tsx) in the worker — they wait on the main
    // thread, which sleeps in Atomics.wait.
    this.worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { sab: this.sab, cmd, args, done: done.source, hashes } });
    this.worker.unref();
  }

  /**
   * Sends one line ("" sends nothing: the answer is what the child said at start) and returns
   * the answer's lines; the last is "__EXIT__ <stderr>" when the child ended.
   * @throws Error when no answer comes within `timeoutMs`
   */
  call(line: string, timeoutMs = 120_000): string[] {
    if (this.ended) return ["__EXIT__ (ended before)"];
    return this.exchange({ line }, line, timeoutMs);
  }

  /**
   * Ends the child (if running) and starts `cmd args` in its place on the same worker (a
   * thread costs ~60 ms to start; a power cut restarts the board's process); returns what the
   * new child says at start.
   */
  restart(cmd: string, args: string[], timeoutMs = 120_000): string[] {
    this.cmd = `${cmd} ${args.join(" ").slice(0, 200)}`;
    this.ended = false;
    return this.exchange({ spawn: { cmd, args } }, "(start)", timeoutMs);
  }

  private exchange(message: { line?: string; spawn?: { cmd: string; args: string[] } }, line: string, timeoutMs: number): string[] {
    this.exchanges++;
    this.worker.postMessage(message);
    if (Atomics.wait(this.ctl, 0, 0, timeoutMs) === "timed-out") throw new Error(`no answer to "${line.slice(0, 40)}" within ${timeoutMs} ms (${this.cmd})`);
    const n = Atomics.load(this.ctl, 1);
    const text = Buffer.from(this.data.subarray(0, n)).toString();
    Atomics.store(this.ctl, 0, 0);
    const lines = text === "" ? [] : text.split("\n");
    if (lines.length > 0 && lines[lines.length - 1].startsWith("__EXIT__")) this.ended = true;
    return lines;
  }

  close(): void {
    void this.worker.terminate();
  }
}
