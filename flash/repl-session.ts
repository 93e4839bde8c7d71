/**
 * A conversation with an Espruino REPL over a serial port: send JavaScript, get its result.
 *
 * Every command goes as one line that starts with 0x10, which the interpreter neither echoes
 * nor answers with "=result" (DESIGN.md "Serial link and the REPL"); the command itself
 * prints its result between markers, `<<SK<n>:` + JSON + `:SK<n>>>`, so the answer is found
 * among whatever else the board prints (log lines, frames, the prompt it redraws).
 *
 * Writes honour XON/XOFF (the board sends XOFF when its input buffer is 6/8 full) and are
 * paced at the baud rate in small slices: a host that pushes kilobytes into the OS buffers
 * cannot take them back when XOFF comes, which is why EspruinoTools finds XON/XOFF "too slow
 * to reliably throttle" at high baud rates (core/serial.js, STORAGE_UPLOAD_METHOD).
 */
import type { SerialPort } from "serialport";
import { performance } from "node:perf_hooks";
import { SolkitError } from "../shared/errors";
import { visibleLine } from "../shared/protocol/frame";

/** DLE, SOH and the 16-bit type|length word of a binary packet (flash/upload-packets.ts). */
const PACKET_HEADER_BYTES = 4;
/**
 * Time for a board's loop to take a packet header in before a 0x03 of its data may follow (see
 * packet()). 40 ms was not always enough: the Pico's twin re-flashing into a nearly full
 * Storage lost a packet (and, the Linux build taking it as Ctrl-C, its console) in 3 runs of 5
 * with one bundle; 150 ms passed 4 of 4. Bytes before the first 0x03 go at once.
 */
const HEADER_SETTLE_MS = 120;

const XON = 0x11;
const XOFF = 0x13;
/** What a board answers a binary packet with (flash/upload-packets.ts). */
const ACK = 0x06;
const NAK = 0x15;
/** Bytes written at once; at most about this many are in flight past an XOFF. */
const SLICE = 64;
/** How far ahead of the wire the writer may run, in bytes (at most this many more are in flight past an XOFF). */
const LEAD_BYTES = 128;
/** Longest a board may hold us with XOFF before we call it stuck. */
const XOFF_LIMIT_MS = 10_000;
/** Longest a port write may wait for the board to take its bytes (beyond their wire time). */
const WRITE_STALL_MS = 15_000;

export interface CallResult {
  ok: boolean;
  /** The value (ok) or the error's text (not ok). */
  value: unknown;
}

/** How a locked solkit console starts its answer to anything it does not run (firmware/console.ts). */
export const LOCKED_PREFIX = "console locked:";

export class ReplSession {
  /** The board answered that its console is locked (a provisioned solkit device). */
  locked = false;
  /** Lines the board printed that were not answers (visible text), newest last, bounded. */
  readonly log: string[] = [];
  /** Lines put in `log` since the session began (the log keeps the last 200): where a step's own lines start. */
  logged = 0;
  /** Counts for the report: XOFFs seen, bytes written. */
  readonly stats = { xoff: 0, bytesWritten: 0, bytesRead: 0, unprintable: 0 };
  private text = "";
  private paused = false;
  private pausedSince = 0;
  private nextFree = 0;
  private seq = 0;
  private waiters: { tag: string; resolve: (r: CallResult) => void }[] = [];
  private lineListeners: ((line: string) => void)[] = [];
  private closedReason: string | undefined;
  private pendingWrites = new Set<(why: string) => void>();
  /** Waiting for a packet's ACK or NAK (one packet in flight at a time). */
  private packetWaiter: ((answer: "ack" | "nak") => void) | undefined;

  constructor(readonly port: SerialPort, readonly baud: number) {
    port.on("data", (d: Buffer) => this.data(d));
    port.on("close", () => this.fail("the port closed (cable pulled?)"));
    port.on("error", (e: Error) => this.fail(e.message));
  }

  /** Every complete line the board prints (visible text), answers included. */
  onLine(cb: (line: string) => void): () => void {
    this.lineListeners.push(cb);
    return () => this.lineListeners.splice(this.lineListeners.indexOf(cb), 1);
  }

  private fail(why: string): void {
    this.closedReason = why;
    for (const lost of [...this.pendingWrites]) lost(why);
    for (const w of this.waiters.splice(0)) w.resolve({ ok: false, value: `lost: ${why}` });
  }

  private data(d: Buffer): void {
    let s = "";
    this.stats.bytesRead += d.length;
    for (const b of d) {
      if ((b === ACK || b === NAK) && this.packetWaiter) {
        const w = this.packetWaiter;
        this.packetWaiter = undefined;
        w(b === ACK ? "ack" : "nak");
        continue;
      }
      if ((b < 32 && b !== 10 && b !== 13 && b !== 8 && b !== 27 && b !== XON && b !== XOFF) || b >= 127) this.stats.unprintable++;
      if (b === XOFF) {
        if (!this.paused) this.pausedSince = performance.now();
        this.paused = true;
        this.stats.xoff++;
      } else if (b === XON) this.paused = false;
      else s += String.fromCharCode(b);
    }
    this.text += s;
    let nl: number;
    while ((nl = this.text.indexOf("\n")) >= 0) {
      const line = visibleLine(this.text.slice(0, nl).replace(/\r$/, ""));
      this.text = this.text.slice(nl + 1);
      this.line(line);
    }
    if (this.text.length > 65536) this.text = this.text.slice(-4096);
  }

  private line(line: string): void {
    for (const l of this.lineListeners) l(line);
    if (line.startsWith(LOCKED_PREFIX)) {
      // A locked console (issue 11) runs no JavaScript: every call waiting now fails at once.
      this.locked = true;
      for (const w of this.waiters.splice(0)) w.resolve({ ok: false, value: `E_LOCKED: ${line}` });
    }
    const m = /<<(SK\d+):(.*):\1>>/.exec(line);
    const w = m ? this.waiters.find((x) => x.tag === m[1]) : undefined;
    if (m && w) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(m[2]);
      } catch {
        parsed = [0, `unreadable answer ${m[2].slice(0, 60)}`];
      }
      const [ok, value] = Array.isArray(parsed) ? parsed : [0, "malformed answer"];
      w.resolve({ ok: ok === 1, value });
      return;
    }
    if (line.trim() !== "") {
      this.log.push(line);
      this.logged++;
      if (this.log.length > 200) this.log.shift();
    }
  }

  /** Text received since the last complete line (e.g. a prompt). */
  get partial(): string {
    return visibleLine(this.text);
  }

  /**
   * Writes bytes paced at the baud rate, pausing while the board has sent XOFF.
   * @throws SolkitError E_PORT when the port is gone; E_TIMEOUT when XOFF lasts over 10 s
   */
  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, "latin1");
    const msPerByte = 10_000 / this.baud;
    for (let at = 0; at < bytes.length; at += SLICE) {
      for (;;) {
        if (this.closedReason) throw new SolkitError("E_PORT", `serial port lost: ${this.closedReason}`);
        const now = performance.now();
        if (this.paused && now - this.pausedSince > XOFF_LIMIT_MS) {
          throw new SolkitError("E_TIMEOUT", `the board held XOFF for over ${XOFF_LIMIT_MS / 1000} s`);
        }
        const ahead = this.nextFree - now;
        const leadMs = LEAD_BYTES * msPerByte;
        if (!this.paused && ahead <= leadMs) break;
        await sleep(this.paused ? 1 : Math.max(1, ahead - leadMs));
      }
      const slice = bytes.subarray(at, at + SLICE);
      await this.writeSlice(slice);
      this.nextFree = Math.max(this.nextFree, performance.now()) + slice.length * msPerByte;
      this.stats.bytesWritten += slice.length;
    }
  }

  /**
   * One port write that settles in bounded time: a board that died or stopped reading leaves
   * serialport's write callback pending for ever (issue 9: a flash stalled at 30 % with no
   * message, or the process exited with code 13 on a promise nobody settled).
   */
  private writeSlice(slice: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const settle = (e?: SolkitError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.pendingWrites.delete(onLost);
        if (e) reject(e);
        else resolve();
      };
      const onLost = (why: string) => settle(new SolkitError("E_PORT", `serial port lost: ${why}`));
      const timer = setTimeout(
        () => settle(new SolkitError("E_TIMEOUT", `the board took no data for ${WRITE_STALL_MS / 1000} s (it stopped reading, or died); check it and try again`)),
        WRITE_STALL_MS + this.wireMs(slice.length),
      );
      this.pendingWrites.add(onLost);
      this.port.write(slice, (e) => settle(e ? new SolkitError("E_PORT", e.message) : undefined));
    });
  }

  /** Milliseconds `n` bytes take on the wire. */
  wireMs(n: number): number {
    return (n * 10_000) / this.baud;
  }

  /**
   * Evaluates `expr` on the board and returns its value (JSON round trip) or its error text.
   * A lost or garbled answer is `{ ok: false, value: "timeout" }` after `timeoutMs`.
   * @throws SolkitError E_PORT when the port is gone
   */
  async call(expr: string, timeoutMs = 2000): Promise<CallResult> {
    return this.callLine((tag) => callLine(expr, tag), timeoutMs);
  }

  /**
   * Sends the line `lineFor(tag)` makes and waits for its `<<tag:[ok,value]:tag>>` answer: the
   * same conversation in another REPL's language (NodeMCU's Lua: flash/nodemcu-repl.ts).
   * @throws SolkitError E_PORT when the port is gone
   */
  async callLine(lineFor: (tag: string) => string, timeoutMs = 2000): Promise<CallResult> {
    const tag = `SK${++this.seq}`;
    const line = lineFor(tag);
    const answer = new Promise<CallResult>((resolve) => this.waiters.push({ tag, resolve }));
    await this.write(line);
    let cancel = () => {};
    const timeout = new Promise<CallResult>((resolve) => {
      cancel = awakeTimeout(timeoutMs + this.wireMs(line.length), () => {
        this.waiters = this.waiters.filter((w) => w.tag !== tag);
        resolve({ ok: false, value: "timeout" });
      });
    });
    const r = await Promise.race([answer, timeout]);
    cancel();
    return r;
  }

  /**
   * Sends one binary packet (upload-packets.ts) and waits for the board's ACK or NAK.
   * "timeout" when neither came within `timeoutMs` after the packet's wire time.
   * @throws SolkitError E_PORT when the port is gone
   */
  async packet(bytes: Uint8Array, timeoutMs = 5000): Promise<"ack" | "nak" | "timeout"> {
    const answer = new Promise<"ack" | "nak">((resolve) => (this.packetWaiter = resolve));
    // The header first, then a pause, then the data: Espruino takes a 0x03 as Ctrl-C when the
    // byte is *queued* (jsdevices.c jshPushIOCharEventsHandler → jsiCtrlC), and only skips that
    // once the header has been *processed* into packet-receiving state (IS_PACKET_TRANSFER). A
    // 0x03 of compressed data arriving in the header's input chunk broke the packet — and the
    // real interpreter's console with it (found by the real-interpreter tier: one bundle's bytes
    // did it every time, another's never; raw JavaScript text has no 0x03).
    // Only a 0x03 must wait: the header and the data before the first 0x03 go at once (text has
    // none, so an uncompressed packet never waits), the rest once the header has had its time.
    const first = bytes.indexOf(0x03, PACKET_HEADER_BYTES);
    const cut = first < 0 ? bytes.length : first;
    const t0 = performance.now();
    await this.write(Buffer.from(bytes.subarray(0, cut)).toString("latin1"));
    if (cut < bytes.length) {
      const left = HEADER_SETTLE_MS - (performance.now() - t0);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      await this.write(Buffer.from(bytes.subarray(cut)).toString("latin1"));
    }
    let cancel = () => {};
    const timeout = new Promise<"timeout">((resolve) => {
      cancel = awakeTimeout(timeoutMs, () => resolve("timeout"));
    });
    const r = await Promise.race([answer, timeout]);
    cancel();
    this.packetWaiter = undefined;
    if (this.closedReason) throw new SolkitError("E_PORT", `serial port lost: ${this.closedReason}`);
    return r;
  }

  /** Ctrl-C and a fresh line: whatever half line the board had is dropped. */
  async interrupt(): Promise<void> {
    await this.write("\x03\x03\n");
    await sleep(50);
  }
}

/** The line `call` sends for `expr`: run without echo, its result printed between markers tagged `tag`. */
export function callLine(expr: string, tag: string): string {
  return `\x10(function(){var r;try{r=[1,${expr}];}catch(e){r=[0,""+e];}print("<<${tag}:"+JSON.stringify(r)+":${tag}>>");})()\n`;
}

/** How late a timer may fire before we take it that this process was not running meanwhile. */
const STALL_MS = 50;
/** Time given to input that queued up while this process was stalled, before a timeout counts. */
const DRAIN_MS = 100;
const MAX_DRAINS = 10;

/**
 * Calls `fire` after `ms` of time this process was running. A timer that fires late means the
 * process was stalled (a loaded or slow host, a Raspberry Pi compiling): the board's answer
 * may be sitting unread in the kernel's buffer, and Node runs due timers before it polls for
 * input, so the timeout waits a little more for that input instead of calling it "no answer".
 * Returns a function that cancels it.
 */
export function awakeTimeout(ms: number, fire: () => void): () => void {
  let timer: NodeJS.Timeout;
  let drains = 0;
  const arm = (wait: number) => {
    const due = performance.now() + wait;
    timer = setTimeout(() => {
      const late = performance.now() - due;
      // Bounded: a process that never gets the CPU on time still times out, a second or so later.
      if (late > STALL_MS && drains++ < MAX_DRAINS) arm(DRAIN_MS);
      else fire();
    }, wait);
  };
  arm(ms);
  return () => clearTimeout(timer);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
