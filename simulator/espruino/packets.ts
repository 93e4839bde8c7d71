/**
 * Espruino's binary packets on the emulated console (src/jsinteractive.c, 2v25+):
 * DLE SOH TYPE|LEN_HI LEN_LO DATA…, answered with ACK or NAK. FILE_SEND ({fn, s, c}) opens a
 * Storage file, DATA packets fill it in order (each decompressed on its own when c is set).
 * Like the interpreter: a packet not complete 5 s after its SOH is NAKed and dropped; an open
 * file is forgotten 10 s after its last packet; a DATA packet is ACKed whether or not the
 * write succeeded (packet_file_write's `ok |=`), so only a hash read back proves a file.
 * EVAL, EVENT and FILE_RECV are not emulated (answered NAK); solkit does not send them.
 */
import { heatshrinkDecompress } from "../../toolchain/heatshrink";
import { StorageError } from "./storage";

const ACK = "\x06";
const NAK = "\x15";
const PT_FILE_SEND = 0x6000;
const PT_DATA = 0x8000;

export interface PacketBoard {
  /** jsfWriteFile; throws as Storage.write does. */
  writeFile(name: string, data: Uint8Array, offset: number, size: number): void;
  /** Runs `fn` after `ms` of the board's time; returns a cancel. */
  after(ms: number, fn: () => void): () => void;
  /** Bytes to the console. */
  reply(text: string): void;
}

interface OpenFile {
  name: string;
  size: number;
  offset: number;
  compressed: boolean;
}

/** Espruino's liberal JSON (unquoted keys, single quotes) for the FILE_SEND object. */
function parseLiberal(text: string): { [k: string]: unknown } | undefined {
  const strict = text.replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":').replace(/'([^']*)'/g, (_m, s: string) => JSON.stringify(s));
  try {
    const v = JSON.parse(strict) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as { [k: string]: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

export class PacketReceiver {
  private state: "none" | "len0" | "len1" | "data" = "none";
  private header = 0;
  private data: number[] = [];
  private file: OpenFile | undefined;
  private cancelPacket = () => {};
  private cancelFile = () => {};

  constructor(private readonly board: PacketBoard) {}

  /** True while a packet is being received: every byte belongs to it. */
  get active(): boolean {
    return this.state !== "none";
  }

  /** DLE SOH arrived. */
  start(): void {
    this.state = "len0";
    this.data = [];
    this.cancelPacket();
    this.cancelPacket = this.board.after(5000, () => {
      this.board.reply(NAK);
      this.exit();
    });
  }

  /** A Ctrl-C broke the packet being received: dropped without an answer. */
  abort(): void {
    this.exit();
  }

  /** Nothing survives a power cut or a reset. */
  reset(): void {
    this.exit();
    this.cancelFile();
    this.file = undefined;
  }

  byte(b: number): void {
    if (this.state === "len0") {
      this.header = b << 8;
      this.state = "len1";
    } else if (this.state === "len1") {
      this.header |= b;
      this.state = "data";
      if ((this.header & 0x1fff) === 0) this.process();
    } else if (this.state === "data") {
      this.data.push(b);
      if (this.data.length >= (this.header & 0x1fff)) this.process();
    }
  }

  private exit(): void {
    this.state = "none";
    this.cancelPacket();
    this.cancelPacket = () => {};
    this.data = [];
  }

  private process(): void {
    const type = this.header & 0xe000;
    const payload = Uint8Array.from(this.data);
    this.exit();
    if (type === PT_FILE_SEND) this.board.reply(this.open(payload) ? ACK : NAK);
    else if (type === PT_DATA) this.board.reply(this.write(payload) ? ACK : NAK);
    else this.board.reply(NAK);
  }

  private open(payload: Uint8Array): boolean {
    this.closeFile();
    const r = parseLiberal(Buffer.from(payload).toString("latin1"));
    if (!r || typeof r.fn !== "string" || !Number(r.s) || r.fs) return false;
    this.file = { name: r.fn, size: Math.floor(Number(r.s)), offset: 0, compressed: Boolean(r.c) };
    this.armFileTimeout();
    return true;
  }

  private write(payload: Uint8Array): boolean {
    const f = this.file;
    if (!f) return false;
    const bytes = f.compressed ? heatshrinkDecompress(payload) : payload;
    // The interpreter writes a plain packet at once and a compressed one in the 512-byte pieces
    // it decompresses; a refused write still ACKs.
    const step = f.compressed ? 512 : Math.max(1, bytes.length);
    for (let at = 0; at < bytes.length; at += step) {
      const piece = bytes.subarray(at, at + step);
      try {
        this.board.writeFile(f.name, piece, f.offset, f.size);
      } catch (e) {
        if (!(e instanceof StorageError)) throw e; // a power cut stops everything
        // packet_file_write ignores a refused write
      }
      f.offset += piece.length;
    }
    if (f.offset >= f.size) this.closeFile();
    else this.armFileTimeout();
    return true;
  }

  private armFileTimeout(): void {
    this.cancelFile();
    this.cancelFile = this.board.after(10_000, () => this.closeFile());
  }

  private closeFile(): void {
    this.cancelFile();
    this.cancelFile = () => {};
    this.file = undefined;
  }
}
