/**
 * The serial wire between a host and a simulated board's console (Espruino's, or NodeMCU's), in real time:
 * bytes take 10 bit times each at the configured baud (8N1: start, 8 data, stop), the board
 * has a bounded input buffer, and a console line costs the interpreter time to run, during
 * which further input waits in that buffer.
 *
 * Flow control as Espruino does it (src/jsdevices.c, jshPushIOCharEvent / jshGetCharToTransmit):
 * with XON/XOFF on (the default for its consoles), the board sends XOFF (0x13) when its input
 * buffer is 6/8 full and XON (0x11) once it has drained to 3/8. Bytes 0x11/0x13 from the host
 * are data like any other (nothing in jshPushIOCharEvents acts on them): binary packets carry
 * them. A host that ignores XOFF overruns the buffer: the
 * bytes are lost and E.getErrorFlags() would report FIFO_FULL (counted in `stats.overrun`).
 *
 * The time a line takes is a model, not a measurement of any chip: a fixed cost per line,
 * lexing at `charsPerMs`, and flash programming at `flashBytesPerMs` (plus `eraseMs` per page
 * erased), read off the emulated flash's own counters around the line.
 */
import type { EspruinoBoard } from "./espruino/board";

/** What the wire needs of a board: its console and its clock, and what a line cost it. */
export interface WireBoard {
  readonly isOn: boolean;
  /** Virtual time, ms. */
  readonly now: number;
  consoleInput(text: string): void;
  onConsoleOutput(cb: (text: string) => void): () => void;
  /** Inside a binary packet (Espruino): its bytes are data, not lines. */
  receivingPacket(): boolean;
  /** Flash programmed and pages erased so far: their time is part of a line's cost. */
  flashWork(): { bytesProgrammed: number; pageErases: number };
}

/**
 * A board as the wire sees it: its console and clock, and — an emulated Espruino board's — its
 * binary-packet state and flash counters (other boards: no packets, no flash cost per line).
 */
export function wireBoard(
  b: Pick<WireBoard, "isOn" | "now" | "consoleInput" | "onConsoleOutput">,
  extra: Partial<Pick<WireBoard, "receivingPacket" | "flashWork">> = {},
): WireBoard {
  return {
    get isOn() {
      return b.isOn;
    },
    get now() {
      return b.now;
    },
    consoleInput: (text) => b.consoleInput(text),
    onConsoleOutput: (cb) => b.onConsoleOutput(cb),
    receivingPacket: extra.receivingPacket ?? (() => false),
    flashWork: extra.flashWork ?? (() => ({ bytesProgrammed: 0, pageErases: 0 })),
  };
}

/** An emulated Espruino board as the wire sees it. */
export function espruinoWire(emu: EspruinoBoard): WireBoard {
  return wireBoard(emu, { receivingPacket: () => emu.console.receivingPacket, flashWork: () => emu.flash.stats() });
}

export const XON = 0x11;
export const XOFF = 0x13;
/** A 0x03 that was queued while no packet was being received: Espruino's Ctrl-C (console.ts). */
export const CTRL_C_QUEUED = 0x103;

/** Interpreter and flash speed of the model (defaults: an ESP32 at 240 MHz, roughly). */
export interface ExecModel {
  lineMs: number;
  charsPerMs: number;
  flashBytesPerMs: number;
  eraseMs: number;
}

export const DEFAULT_EXEC: ExecModel = { lineMs: 0.5, charsPerMs: 200, flashBytesPerMs: 400, eraseMs: 40 };

export interface WireOptions {
  baud: number;
  /** Espruino's input buffer, in bytes (default 1024). */
  rxBufferBytes?: number;
  /** XON/XOFF on (default true). */
  flowControl?: boolean;
  exec?: Partial<ExecModel>;
}

export interface WireStats {
  /** Bytes the host sent that reached the board's input buffer. */
  rxBytes: number;
  /** Bytes the board sent that left on the wire (delivered or not). */
  txBytes: number;
  /** Bytes lost because the input buffer was full (the host ignored XOFF). */
  overrun: number;
  xoffSent: number;
  /** Board output dropped because no host had the port open. */
  txDropped: number;
  linesRun: number;
}

/** A FIFO of bytes with O(1) amortised push and shift (arrays' shift() is O(n)). */
class ByteQueue {
  private buf = new Uint8Array(4096);
  private head = 0;
  private tail = 0;

  get length(): number {
    return this.tail - this.head;
  }

  push(b: number): void {
    if (this.tail === this.buf.length) {
      const live = this.buf.subarray(this.head, this.tail);
      const next = live.length * 2 + 16 > this.buf.length ? new Uint8Array(this.buf.length * 2) : this.buf;
      next.set(live, 0);
      this.buf = next;
      this.tail -= this.head;
      this.head = 0;
    }
    this.buf[this.tail++] = b;
  }

  shift(): number {
    return this.buf[this.head++];
  }

  clear(): void {
    this.head = this.tail = 0;
  }
}

export class SerialWire {
  readonly stats: WireStats = { rxBytes: 0, txBytes: 0, overrun: 0, xoffSent: 0, txDropped: 0, linesRun: 0 };
  /** Bytes on their way from the host (kernel and bridge buffers: unbounded). */
  private inbound = new ByteQueue();
  /** The board's input buffer. */
  private buffer: number[] = [];
  private outbound: number[] = [];
  /** XON/XOFF waiting to go out, in order, ahead of other output. */
  private control: number[] = [];
  private rxCredit = 0;
  private txCredit = 0;
  private busyUntil = 0;
  /** Output from `holdFrom` on was printed by input still being run: it leaves at `holdUntil`. */
  private holdFrom = Infinity;
  private holdUntil = 0;
  private xoffActive = false;
  private readonly cap: number;
  private readonly flow: boolean;
  private readonly exec: ExecModel;
  baud: number;

  constructor(private readonly emu: WireBoard, opts: WireOptions) {
    this.baud = opts.baud;
    this.cap = opts.rxBufferBytes ?? 1024;
    this.flow = opts.flowControl !== false;
    this.exec = { ...DEFAULT_EXEC, ...opts.exec };
    emu.onConsoleOutput((text) => {
      for (let i = 0; i < text.length; i++) this.outbound.push(text.charCodeAt(i) & 0xff);
    });
  }

  /** Bytes from the host side of the wire. */
  fromHost(data: Uint8Array): void {
    for (const b of data) this.inbound.push(b);
  }

  /** Everything in flight is lost (cable pulled, board reset). */
  clear(): void {
    this.inbound.clear();
    this.buffer = [];
    this.outbound = [];
    this.control = [];
    this.xoffActive = false;
    this.holdFrom = Infinity;
  }

  /** Bytes waiting anywhere on their way to the board. */
  get pendingToBoard(): number {
    return this.inbound.length + this.buffer.length;
  }

  /**
   * Moves `dtMs` of real time: bytes cross the wire at the baud rate, the board runs the lines
   * that completed, and returns what reaches the host (empty when nobody listens: dropped).
   */
  step(dtMs: number, hostListening: boolean): Uint8Array {
    const bytesPerMs = this.baud / 10 / 1000;
    this.rxCredit = Math.min(this.rxCredit + dtMs * bytesPerMs, 4096);
    this.txCredit = Math.min(this.txCredit + dtMs * bytesPerMs, 4096);
    this.receive();
    this.consume();
    if (this.flow && this.xoffActive && this.buffer.length <= (this.cap * 3) / 8) {
      this.xoffActive = false;
      this.control.push(XON);
    }
    return this.transmit(hostListening);
  }

  private receive(): void {
    while (this.rxCredit >= 1 && this.inbound.length > 0) {
      this.rxCredit--;
      const b = this.inbound.shift();
      if (this.buffer.length >= this.cap) {
        this.stats.overrun++;
        continue;
      }
      // Espruino decides a 0x03 is Ctrl-C when it is queued, unless a packet's header has been
      // processed by then: such a byte reaches the console as CTRL_C_QUEUED (console.ts).
      this.buffer.push(b === 0x03 && !this.emu.receivingPacket() ? CTRL_C_QUEUED : b);
      this.stats.rxBytes++;
      if (this.flow && this.emu.isOn && !this.xoffActive && this.buffer.length >= (this.cap * 6) / 8) {
        this.xoffActive = true;
        this.stats.xoffSent++;
        this.control.push(XOFF);
      }
    }
    if (this.inbound.length === 0) this.rxCredit = Math.min(this.rxCredit, 1);
  }

  /** The idle loop takes input while the board is not running a line. */
  private consume(): void {
    if (!this.emu.isOn) {
      // A board without power reads nothing, asks for nothing and sends nothing: what was
      // in its buffers when the power went is lost.
      this.buffer = [];
      this.outbound = [];
      this.busyUntil = 0;
      this.holdFrom = Infinity;
      if (this.xoffActive) this.xoffActive = false;
      return;
    }
    while (this.buffer.length > 0 && this.emu.now >= this.busyUntil) {
      const nl = this.buffer.findIndex((b) => b === 10 || b === 13);
      const take = nl < 0 ? this.buffer.length : nl + 1;
      const chunk = this.buffer.splice(0, take);
      const text = String.fromCharCode(...chunk);
      const packetBefore = this.emu.receivingPacket();
      const mark = this.outbound.length;
      const before = this.emu.flashWork();
      this.emu.consoleInput(text);
      const after = this.emu.flashWork();
      // A line costs its run; a binary packet's bytes (newlines in them too) only the flash
      // they program once the packet is complete.
      const isLine = nl >= 0 && !packetBefore && !this.emu.receivingPacket();
      if (isLine) this.stats.linesRun++;
      const cost =
        (isLine ? this.exec.lineMs + chunk.length / this.exec.charsPerMs : 0) +
        (after.bytesProgrammed - before.bytesProgrammed) / this.exec.flashBytesPerMs +
        (after.pageErases - before.pageErases) * this.exec.eraseMs;
      this.busyUntil = this.emu.now + cost;
      // What running it printed (an answer, a packet's ACK) comes out when the run is over,
      // as on the board: a host that waits for the answer never sends into a busy board.
      if (cost > 0 && this.outbound.length > mark) {
        this.holdFrom = Math.min(this.holdFrom, mark);
        this.holdUntil = this.busyUntil;
      }
      if (nl < 0) return;
    }
  }

  private transmit(hostListening: boolean): Uint8Array {
    const out: number[] = [];
    while (this.txCredit >= 1 && this.control.length > 0) {
      this.txCredit--;
      out.push(this.control.shift()!);
    }
    if (this.emu.now >= this.holdUntil) this.holdFrom = Infinity;
    const n = Math.min(Math.floor(this.txCredit), this.outbound.length, this.holdFrom);
    this.txCredit -= n;
    this.holdFrom -= n;
    for (const b of this.outbound.splice(0, n)) out.push(b);
    if (this.outbound.length === 0) this.txCredit = Math.min(this.txCredit, 1);
    this.stats.txBytes += out.length;
    if (!hostListening) {
      this.stats.txDropped += out.length;
      return new Uint8Array(0);
    }
    return Uint8Array.from(out);
  }
}
