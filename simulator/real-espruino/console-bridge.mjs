/**
 * The serial wire of a real-interpreter board (real-board.ts): socat gives this process the
 * pty's bytes on stdin and shows its stdout on the pty; it carries them to and from the
 * interpreter's telnet console on 127.0.0.1:2323 (in the board's own network namespace).
 *
 * One change on the way in: Ctrl-C becomes ESC [ 2 H, Espruino's "erase the input line"
 * (src/jsinteractive.c). Tools send "\x03\x03" to get a clean prompt, and on a board that is
 * all it does to an idle REPL. On the Linux build Ctrl-C does two things no board does: twice
 * within 5 s on an empty line it exits the interpreter (jsiLoop, under #ifndef EMBEDDED), and
 * its interrupt flag is turned over by the stdin thread without a lock (jshInputThread), so
 * it can stick: every callback then ends in "Execution Interrupted" (seen, issue 9). The
 * firmware never runs long enough to need interrupting, so the twin only loses what a
 * board's Ctrl-C would interrupt, which nothing here relies on. Bytes inside a binary packet (DLE SOH, a 13-bit length, data:
 * flash/upload-packets.ts) are data and pass unchanged — their 0x03s included.
 *
 * Plain JavaScript, run by node directly: it starts with each board power-on.
 */
import net from "node:net";
import { appendFileSync } from "node:fs";

const LOG = process.env.SOLKIT_BRIDGE_LOG;
const t0 = Date.now();
function log(dir, d) {
  if (LOG) appendFileSync(LOG, `${Date.now() - t0} ${dir} ${d.length} ${JSON.stringify(d.toString("latin1").slice(0, 120))}\n`);
}

const PORT = 2323;
const TRIES = 200;

const ERASE_LINE = [27, 91, 50, 72];

/** Where the byte stream is: outside packets, after DLE, in a packet's length, or its data. */
let state = "none";
let lenHi = 0;
let left = 0;

function withoutCtrlC(d) {
  const out = [];
  for (const b of d) {
    if (state === "data") {
      out.push(b);
      if (--left === 0) state = "none";
      continue;
    }
    if (state === "len0") {
      lenHi = b;
      state = "len1";
    } else if (state === "len1") {
      left = ((lenHi << 8) | b) & 0x1fff;
      state = left > 0 ? "data" : "none";
    } else if (state === "dle" && b === 1) state = "len0";
    else state = b === 16 ? "dle" : "none";
    if (b === 3 && state === "none") out.push(...ERASE_LINE);
    else out.push(b);
  }
  return Buffer.from(out);
}

function connect(attempt) {
  const s = net.connect(PORT, "127.0.0.1");
  s.setNoDelay(true);
  s.once("connect", () => {
    process.stdin.on("data", (d) => {
      log(">", d);
      s.write(withoutCtrlC(d));
    });
    s.on("data", (d) => {
      log("<", d);
      process.stdout.write(d);
    });
    s.on("close", () => process.exit(0));
  });
  s.once("error", () => {
    s.destroy();
    if (attempt >= TRIES) process.exit(1);
    setTimeout(() => connect(attempt + 1), 50);
  });
}

connect(0);
