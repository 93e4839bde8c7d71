/**
 * The USB console of an emulated Espruino board: a REPL with the interpreter's line
 * discipline (src/jsinteractive.c), as the flasher, the monitor and the host gateway see it.
 *
 * - Characters are echoed as they arrive; Enter ("\r", "\n" or "\r\n") ends a line. A line
 *   whose code is not complete yet (an open brace, an unterminated string) continues on the
 *   next, with ":" as the prompt.
 * - A line that starts with "\x10" is not echoed and its result is not printed: only what the
 *   code prints, then the prompt (measured on the real interpreter, DESIGN.md "Serial link").
 * - Otherwise the result is printed as "=<value>" (format.ts), and errors as "Uncaught …".
 * - The prompt ">" stays on screen while idle. When a callback prints, Espruino first removes
 *   the prompt and the half-typed line (cursor moves, erase, a backspace over ">") and puts
 *   them back ("\r>" + the line) once the loop is idle again, so a host reading lines sees
 *   stray "\x08", "\r>" around the printed text. The exact escape bytes of that erase are
 *   an approximation; the layout (text, "\r\n", prompt back afterwards) is Espruino's.
 * - Output text turns "\n" into "\r\n". With the cable out, output is dropped (Espruino
 *   moves its console elsewhere; nothing reaches the host) and input cannot arrive.
 * - The console can move (`LoopbackA.setConsole(true)`, as solkit's locked console does): then
 *   the host's bytes are `USB.on("data")` events instead of REPL input, everything the REPL
 *   prints comes out as `LoopbackB.on("data")` events, and only `USB.write` reaches the host —
 *   the behaviour measured on the real interpreter (test/device/console-lock.test.ts).
 * - DLE SOH starts a binary packet (packets.ts): the console's own file upload, heard only
 *   while the REPL is on USB. A 0x03 that arrives with a packet's header, before the header is
 *   processed, is a Ctrl-C and breaks the packet, as on the interpreter (why the flasher pauses
 *   after each header: flash/repl-session.ts packet()).
 */
import { formatValue } from "./format";
import { PacketReceiver, type PacketBoard } from "./packets";

/** A 0x03 the wire queued while no packet was being received (pty-wire.ts CTRL_C_QUEUED). */
const CTRL_C_QUEUED = "\u0103";

/** What the board does with a complete line: run it, report the result or that it threw. */
export type LineRunner = (code: string) => { ok: boolean; value?: unknown };

/** Tells whether `code` is a complete statement (more lines needed otherwise). */
export type CompletenessCheck = (code: string) => boolean;

/** Posts a program callback as an event on the board's loop. */
export type Post = (what: string, fn: unknown, args: unknown[]) => void;

export class UsbConsole {
  private listeners: ((text: string) => void)[] = [];
  /** Where the REPL is: the USB port (the host) or LoopbackA (moved away by the program). */
  device: "USB" | "LoopbackA" = "USB";
  private usbData: unknown[] = [];
  private loopbackData: unknown[] = [];
  private post: Post = () => {};
  /** False while the cable is out. */
  connected = true;
  private powered = false;
  /** Everything printed by the program (print/console.log/errors), one entry per line, for tests. */
  readonly printed: string[] = [];
  private input = "";
  private pending = "";
  private echoOffForLine = false;
  private promptShown = false;
  private lastWasCR = false;
  private escape = 0;
  private hadDle = false;
  private packets: PacketReceiver | undefined;
  /** True while a console line runs: its result comes before the prompt. */
  private busy = false;
  private runLine: LineRunner;
  private isComplete: CompletenessCheck;

  constructor(runLine: LineRunner, isComplete: CompletenessCheck) {
    this.runLine = runLine;
    this.isComplete = isComplete;
  }

  onOutput(cb: (text: string) => void): () => void {
    this.listeners.push(cb);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== cb);
    };
  }

  /** Raw bytes to the host (dropped while disconnected or unpowered). */
  emit(text: string): void {
    if (this.device === "LoopbackA") {
      if (this.powered && text !== "") for (const h of this.loopbackData) this.post("LoopbackB data", h, [text]);
      return;
    }
    this.usbWrite(text);
  }

  /** USB.write: bytes to the host whatever the console device. */
  usbWrite(text: string): void {
    if (!this.connected || !this.powered || text === "") return;
    for (const l of this.listeners) l(text);
  }

  /** A binary packet is coming in (its bytes are data, not keys). */
  get receivingPacket(): boolean {
    return this.packets?.active ?? false;
  }

  /** Binary packets write into this board's Storage on its clock. */
  attachPackets(board: Omit<PacketBoard, "reply">): void {
    this.packets = new PacketReceiver({ ...board, reply: (text) => this.emit(text) });
  }

  /** How program callbacks are posted (the board's event loop). */
  setPoster(post: Post): void {
    this.post = post;
  }

  /** `<device>.on("data", fn)` for USB and LoopbackB. */
  onData(device: string, fn: unknown): void {
    if (device === "USB") this.usbData.push(fn);
    else if (device === "LoopbackB") this.loopbackData.push(fn);
  }

  /** `<device>.setConsole(force)`: the REPL moves; a half-typed line stays behind. */
  setConsole(device: string): void {
    const to = device === "LoopbackA" ? "LoopbackA" : "USB";
    if (to === this.device) return;
    this.device = to;
    this.input = "";
    this.pending = "";
    this.echoOffForLine = false;
    this.promptShown = false;
  }

  /** A fresh interpreter: empty input line; the prompt appears once boot code has run (idle). */
  boot(): void {
    this.powered = true;
    this.packets?.reset();
    this.hadDle = false;
    this.device = "USB";
    this.usbData = [];
    this.loopbackData = [];
    this.input = "";
    this.pending = "";
    this.echoOffForLine = false;
    this.promptShown = false;
  }

  /** The board lost power: nothing on screen belongs to an interpreter any more. */
  powerOff(): void {
    this.powered = false;
    this.packets?.reset();
    this.input = "";
    this.pending = "";
    this.promptShown = false;
  }

  /** print()/console.log/"Uncaught …": one line of program output. */
  printLine(text: string): void {
    this.printed.push(text);
    this.removePrompt();
    this.emit(text.replace(/\r?\n/g, "\r\n") + "\r\n");
  }

  /** Called when the event loop is idle again: the prompt comes back. */
  idle(): void {
    if (!this.busy) this.returnPrompt();
  }

  private removePrompt(): void {
    if (!this.promptShown) return;
    this.promptShown = false;
    if (this.echoOffForLine) return;
    const n = this.input.length;
    this.emit((n > 0 ? "\x1b[D".repeat(n) + "\x1b[J" : "") + "\x08");
  }

  private returnPrompt(): void {
    if (this.promptShown) return;
    this.promptShown = true;
    if (!this.echoOffForLine) this.emit("\r" + (this.pending === "" ? ">" : ":") + this.input);
  }

  /** Bytes from the host. Lines run as they complete. */
  feed(text: string): void {
    if (!this.connected || !this.powered) return;
    if (this.device !== "USB") {
      const data = text.split(CTRL_C_QUEUED).join("\x03"); // the program reads bytes, not the wire's marks
      for (const h of this.usbData) this.post("USB data", h, [data]);
      return;
    }
    // Everything in `text` was queued before any of it is processed, and Espruino takes a 0x03 as
    // Ctrl-C when it is *queued* (jsdevices.c jshPushIOCharEventsHandler → jsiCtrlC), skipping
    // that only when a packet's header had already been processed (IS_PACKET_TRANSFER).
    // Through the wire (pty-wire.ts) a byte's queue time is known: such a 0x03 comes as "\u0103".
    const packetWhenQueued = this.packets?.active === true;
    for (let ch of text) {
      if (ch === CTRL_C_QUEUED) ch = this.packets?.active ? ch : "\x03";
      if (this.packets?.active) {
        if (ch === CTRL_C_QUEUED || (ch === "\x03" && !packetWhenQueued)) {
          // The Ctrl-C breaks the packet: no answer; what follows is read as REPL input.
          this.packets.abort();
          this.input = "";
          this.pending = "";
          this.emit("\r\n>");
          continue;
        }
        this.packets.byte(ch.charCodeAt(0) & 0xff);
        continue;
      }
      const dle = this.hadDle;
      this.hadDle = ch === "\x10";
      if (dle && ch === "\x01" && this.packets) {
        this.echoOffForLine = false; // the DLE that began the packet turned it off (jsinteractive.c does the same)
        this.packets.start();
        continue;
      }
      const crlf = this.lastWasCR && ch === "\n";
      this.lastWasCR = ch === "\r";
      if (crlf) continue;
      if (this.escape > 0) {
        // VT100 sequences (arrow keys): ESC [ x. Line editing is not emulated.
        this.escape = this.escape === 1 && ch === "[" ? 2 : 0;
        continue;
      }
      if (ch === "\r" || ch === "\n") this.enter();
      else if (ch === "\x1b") this.escape = 1;
      else if (ch === "\x10" && this.input === "" && this.pending === "") this.echoOffForLine = true;
      else if (ch === "\x03") {
        this.input = "";
        this.pending = "";
        this.echoOffForLine = false;
        this.emit("\r\n>");
      } else if (ch === "\x7f" || ch === "\x08") {
        if (this.input.length > 0) {
          this.input = this.input.slice(0, -1);
          if (!this.echoOffForLine) this.emit("\x08 \x08");
        }
      } else if (ch >= " " || ch === "\t") {
        this.input += ch;
        if (!this.echoOffForLine) this.emit(ch);
      }
    }
  }

  private enter(): void {
    const code = this.pending === "" ? this.input : this.pending + "\n" + this.input;
    const echo = !this.echoOffForLine;
    this.input = "";
    if (echo) this.emit("\r\n");
    this.promptShown = false;
    if (code.trim() !== "" && !this.isComplete(code)) {
      this.pending = code;
      this.promptShown = true;
      if (echo) this.emit(":");
      return;
    }
    this.pending = "";
    if (code.trim() !== "") {
      this.busy = true;
      try {
        const r = this.runLine(code);
        if (r.ok && echo) this.emit("=" + formatValue(r.value, true) + "\r\n");
      } finally {
        this.busy = false;
      }
    }
    this.echoOffForLine = false;
    this.returnPrompt();
  }
}
