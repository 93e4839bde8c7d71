/**
 * Frames and the serial line (PROTOCOL.md section 5): a frame is one message (a reading
 * optionally followed by its 64-byte signature, an ack, or a token); on the USB console it
 * travels as the marked line `@SK1:<base64>*<crc16 hex>` among ordinary log lines, and
 * downlink as a call the board's REPL evaluates.
 */
import { concat, fromAscii, fromHex, slice, toHex } from "../bytes";
import { SolkitError } from "../errors";
import { crc16Xmodem } from "../crypto/crc16";
import { decodeBase64, encodeBase64 } from "../encoding/base64";
import { KIND_ACK, KIND_READING, KIND_TOKEN, errorCode } from "./common";
import { READING_LENGTH, SIGNATURE_LENGTH, decodeReading } from "./reading";
import { ACK_LENGTH, decodeAck } from "./ack";
import { TOKEN_LENGTH, decodeToken } from "./token";

/** Marks a machine line on the console. */
export const LINE_PREFIX = "@SK1:";
/** Longest line (without its line end) a receiver keeps; longer ones are dropped. */
export const MAX_LINE = 512;

/** A decoded frame: the message bytes and, for a reading, its signature (empty when none). */
export interface Frame {
  /** KIND_READING, KIND_ACK or KIND_TOKEN. */
  kind: number;
  message: Uint8Array;
  signature: Uint8Array;
}

/**
 * Frame bytes of a message and an optional signature (readings only).
 * @throws SolkitError E_LENGTH when a signature is not 64 bytes or comes with a non-reading
 */
export function encodeFrame(message: Uint8Array, signature?: Uint8Array): Uint8Array {
  if (signature === undefined || signature.length === 0) return concat([message]);
  if (message.length < 1 || message[0] !== KIND_READING) {
    throw new SolkitError("E_LENGTH", "frame: only a reading may carry a signature");
  }
  if (signature.length !== SIGNATURE_LENGTH) {
    throw new SolkitError("E_LENGTH", `frame: signature expected ${SIGNATURE_LENGTH} bytes, got ${signature.length}`);
  }
  return concat([message, signature]);
}

/**
 * Splits and validates frame bytes: kind byte and length select the message, which is then
 * decoded strictly (so a frame that passes is well-formed; MAC/signature are checked later).
 * @throws SolkitError E_LENGTH, E_KIND, E_VERSION, E_FIELD, E_RANGE
 */
export function decodeFrame(b: Uint8Array): Frame {
  if (b.length < 1) throw new SolkitError("E_LENGTH", "frame: expected at least 1 byte, got 0");
  const kind = b[0];
  let n = 0;
  if (kind === KIND_READING) {
    if (b.length !== READING_LENGTH && b.length !== READING_LENGTH + SIGNATURE_LENGTH) {
      throw new SolkitError("E_LENGTH", `frame: reading expected ${READING_LENGTH} or ${READING_LENGTH + SIGNATURE_LENGTH} bytes, got ${b.length}`);
    }
    n = READING_LENGTH;
    decodeReading(slice(b, 0, n));
  } else if (kind === KIND_ACK) {
    n = ACK_LENGTH;
    decodeAck(b);
  } else if (kind === KIND_TOKEN) {
    n = TOKEN_LENGTH;
    decodeToken(b);
  } else {
    throw new SolkitError("E_KIND", `frame: expected kind 1, 2 or 3, got ${kind}`);
  }
  return { kind: kind, message: slice(b, 0, n), signature: slice(b, n, b.length) };
}

/** `<base64>*<crc>`: the text both line directions carry. */
export function encodeFrameBody(frame: Uint8Array): string {
  const text = encodeBase64(frame);
  const crc = crc16Xmodem(fromAscii(text));
  // Big-endian so that the 4 hex digits read as the CRC value itself (0x31c3 → "31c3").
  const be = new Uint8Array(2);
  be[0] = crc >>> 8;
  be[1] = crc & 0xff;
  return `${text}*${toHex(be)}`;
}

/**
 * Frame of a `<base64>*<crc>` body: CRC first (line noise), then base64, then decodeFrame.
 * @throws SolkitError E_FRAME (no separator, CRC not 4 lower-case hex digits), E_CRC,
 *   E_BASE64, and decodeFrame's codes
 */
export function decodeFrameBody(body: string): Frame {
  const star = body.indexOf("*");
  if (star < 0) throw new SolkitError("E_FRAME", "frame line: expected '*<crc>' after the base64, found no '*'");
  const text = body.substring(0, star);
  const crcText = body.substring(star + 1);
  const crcBytes = crcText.length === 4 && toHex(fromHex(crcText) || new Uint8Array(0)) === crcText ? fromHex(crcText) : undefined;
  if (crcBytes === undefined) {
    throw new SolkitError("E_FRAME", `frame line: expected 4 lower-case hex digits of CRC, got "${crcText.substring(0, 8)}"`);
  }
  const want = crcBytes[0] * 256 + crcBytes[1];
  const got = crc16Xmodem(fromAscii(text));
  if (got !== want) throw new SolkitError("E_CRC", `frame line: CRC ${want} stated, ${got} computed`);
  return decodeFrame(decodeBase64(text));
}

/** The uplink console line of a frame, with its LF: `@SK1:<base64>*<crc>\n`. */
export function encodeUplinkLine(frame: Uint8Array): string {
  return `${LINE_PREFIX}${encodeFrameBody(frame)}\n`;
}

/**
 * The downlink line that makes the board's REPL hand a frame to the firmware.
 * Espruino: 0x10 first, so the interpreter neither echoes the line nor prints a result.
 * @throws SolkitError E_FIELD for an unknown REPL flavour
 */
export function encodeDownlinkLine(frame: Uint8Array, repl: string): string {
  const body = encodeFrameBody(frame);
  if (repl === "espruino") return `\u0010solkit.rx("${body}")\n`;
  if (repl === "nodemcu") return `solkit_rx("${body}")\n`;
  throw new SolkitError("E_FIELD", `downlink: expected repl "espruino" or "nodemcu", got "${repl}"`);
}

/** What the line parser found: a log line, a decoded frame, or a line-level error. */
export interface LineEvent {
  type: "log" | "frame" | "error";
  /** The line without its line end (for "error" at most the first 80 characters). */
  text: string;
  /** Set for "frame". */
  frame: Frame | undefined;
  /** Error code for "error" (E_FRAME, E_CRC, E_BASE64, E_LENGTH, E_KIND, ..., E_LINE_TOO_LONG); else "". */
  code: string;
}

/**
 * The line as a terminal would show it. A REPL console redraws its prompt around text the
 * program prints: Espruino erases ">" with a backspace before the text and may move the
 * cursor with ANSI sequences over a half-typed line, and "\r" returns to the line start. So
 * only what follows the last CR counts, CSI sequences (ESC [ … letter) are dropped and each
 * backspace removes the character before it.
 */
export function visibleLine(line: string): string {
  if (line.indexOf("\r") < 0 && line.indexOf("\x08") < 0 && line.indexOf("\x1b") < 0) return line;
  let start = 0;
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 13) start = i + 1;
  let out = "";
  let i = start;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 27 && i + 1 < line.length && line.charCodeAt(i + 1) === 91) {
      i += 2; // ESC [ parameters, then one final byte 0x40..0x7e
      while (i < line.length && (line.charCodeAt(i) < 64 || line.charCodeAt(i) > 126)) i++;
      i++;
    } else if (c === 8) {
      out = out.substring(0, out.length - 1);
      i++;
    } else {
      out += line.charAt(i);
      i++;
    }
  }
  return out;
}

/** Readability helper kept out of the class so Lua sees a plain function. */
function lineEvent(raw: string): LineEvent {
  const line = visibleLine(raw);
  if (line.substring(0, LINE_PREFIX.length) !== LINE_PREFIX) {
    return { type: "log", text: line, frame: undefined, code: "" };
  }
  try {
    const frame = decodeFrameBody(line.substring(LINE_PREFIX.length));
    return { type: "frame", text: line, frame: frame, code: "" };
  } catch (e) {
    return { type: "error", text: line.substring(0, 80), frame: undefined, code: errorCode(e) };
  }
}

/**
 * Splits console text into lines, whatever the chunking (a chunk may end anywhere, even
 * between CR and LF), and classifies each line. Memory is bounded: at most MAX_LINE + 1
 * characters are buffered; a longer line is discarded up to its LF and counted once.
 * Text is one character per byte (decode serial bytes as latin1).
 */
export class LineParser {
  /** Count of "error" events so far (corrupt frames and overlong lines). */
  errors = 0;
  private buf = "";
  private discarding = false;

  /** Feeds a chunk; returns the events of the lines it completed, in order. */
  push(chunk: string): LineEvent[] {
    const out: LineEvent[] = [];
    let at = 0;
    while (at < chunk.length) {
      const nl = chunk.indexOf("\n", at);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.discarding) {
        this.buf += chunk.substring(at, end);
        if (this.buf.length > MAX_LINE + 1) {
          // +1: a CR before the LF is still allowed in a full-length line.
          this.discarding = true;
          this.buf = "";
          this.errors++;
          out.push({ type: "error", text: "", frame: undefined, code: "E_LINE_TOO_LONG" });
        }
      }
      if (nl < 0) break;
      at = nl + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      let line = this.buf;
      this.buf = "";
      if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.substring(0, line.length - 1);
      if (line.length > MAX_LINE) {
        this.errors++;
        out.push({ type: "error", text: "", frame: undefined, code: "E_LINE_TOO_LONG" });
        continue;
      }
      const ev = lineEvent(line);
      if (ev.type === "error") this.errors++;
      out.push(ev);
    }
    return out;
  }
}
