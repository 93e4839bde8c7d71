/**
 * Espruino's binary packet protocol (2v25 and later, src/jsinteractive.c): a file goes into
 * Storage as raw bytes instead of base64 text inside JavaScript lines, optionally compressed
 * with heatshrink, which the board decompresses natively as each packet arrives.
 *
 *   DLE(0x10) SOH(0x01) TYPE|LEN_HI LEN_LO DATA…   (LEN ≤ 0x1FFF)
 *
 * FILE_SEND ({fn, s, c}) opens the file, then DATA packets fill it in order; the board
 * answers each packet with ACK (0x06) or NAK (0x15). Each compressed DATA packet is one
 * independent heatshrink stream (the board decodes each packet on its own).
 *
 * What the protocol does not give, and how the upload makes up for it: there is no check of
 * the bytes (a byte changed on the wire is written as it is) and the board's ACK for DATA
 * does not even depend on the write succeeding (`data->ok |= …` in packet_file_write, with
 * ok starting true). So the hash read back over the whole file is the only proof; when it
 * differs the upload goes again by the checked base64 chunks (upload-protocol.ts).
 * Only the REPL that is the console hears packets: a locked solkit console (the physical
 * port is not the console then) never processes them.
 */
import { heatshrinkCompress } from "../toolchain/heatshrink";

export const DLE = 0x10;
export const SOH = 0x01;
export const ACK = 0x06;
export const NAK = 0x15;
export const PT_FILE_SEND = 0x6000;
export const PT_DATA = 0x8000;
/** Largest payload a packet's 13-bit length can say. */
export const MAX_PACKET_BYTES = 0x1fff;
/** The board drops a packet not complete 5 s after its SOH (and NAKs it): stay well inside. */
const PACKET_WIRE_SECONDS = 2.5;

/** The first interpreter version with packets (2v25), from process.env.VERSION ("2v29.277"). */
export function hasPackets(version: string): boolean {
  const m = /^(\d+)v(\d+)/.exec(version);
  if (!m) return false;
  const major = Number(m[1]);
  return major > 2 || (major === 2 && Number(m[2]) >= 25);
}

/**
 * Whether a payload of `n` bytes can be sent: the header's length byte must not be 0x03. The
 * header's bytes are queued before the board has processed them into packet state, and a
 * queued 0x03 is a Ctrl-C there (repl-session.ts packet()): a packet of 3, 259, 515 … bytes
 * broke, and the console with it (found when the 24,576-byte table's last packet was 3 bytes).
 */
export function sendableLength(n: number): boolean {
  return (n & 0xff) !== 0x03;
}

/** One packet: header and payload. */
export function packet(type: number, payload: Uint8Array): Buffer {
  if (payload.length > MAX_PACKET_BYTES) throw new RangeError(`packet of ${payload.length} bytes (at most ${MAX_PACKET_BYTES})`);
  if (!sendableLength(payload.length)) throw new RangeError(`packet of ${payload.length} bytes: its length byte would be a Ctrl-C`);
  const len = type | payload.length;
  return Buffer.concat([Buffer.from([DLE, SOH, len >> 8, len & 0xff]), payload]);
}

/** The FILE_SEND packet that opens `file` for `size` bytes (decompressed size when compressed). */
export function fileSendPacket(file: string, size: number, compressed: boolean): Buffer {
  let json = JSON.stringify(compressed ? { fn: file, s: size, c: 1 } : { fn: file, s: size });
  if (!sendableLength(json.length)) json += " "; // JSON allows it; the length byte must not be 0x03
  return packet(PT_FILE_SEND, Buffer.from(json, "latin1"));
}

export interface DataPacket {
  /** Offset in the file of the bytes this packet writes. */
  offset: number;
  /** Bytes it writes (decompressed). */
  bytes: number;
  /** Its payload (compressed or not). */
  payload: Uint8Array;
}

/**
 * Largest packet payload for this link and board: the 13-bit length, the board's 5 s packet
 * timeout at this baud, and RAM (the board allocates the whole packet as one string:
 * about 12 bytes per variable block; at most a quarter of the free variables).
 */
export function maxPacketBytes(baud: number, freeVars: number): number {
  const byWire = Math.floor((baud / 10) * PACKET_WIRE_SECONDS);
  const byRam = Math.floor((freeVars / 4) * 12);
  return Math.max(256, Math.min(MAX_PACKET_BYTES, byWire, byRam));
}

/**
 * Cuts `data` into DATA packets of at most `maxBytes` payload. Compressed, each piece of the
 * file is as large as still compresses into one packet (heatshrink can also grow data by up
 * to 1/8: a piece that does is sent smaller).
 */
export function planDataPackets(data: Uint8Array, maxBytes: number, compress: boolean): DataPacket[] {
  const out: DataPacket[] = [];
  let offset = 0;
  let piece = compress ? Math.floor(maxBytes * 1.15) : maxBytes;
  while (offset < data.length) {
    let n = Math.min(piece, data.length - offset);
    let payload = data.subarray(offset, offset + n);
    for (;;) {
      if (compress) {
        const packed = heatshrinkCompress(payload);
        if (packed.length > maxBytes) {
          n = Math.max(1, Math.floor((n * maxBytes) / packed.length) - 16);
          payload = data.subarray(offset, offset + n);
          piece = n;
          continue;
        }
        payload = packed;
      }
      if (sendableLength(payload.length)) break;
      n -= 1; // one byte fewer (or its compressed form) has another length
      payload = data.subarray(offset, offset + n);
    }
    out.push({ offset, bytes: n, payload });
    offset += n;
  }
  return out;
}

/** Bytes all of a plan's packets take on the wire, headers included. */
export function planWireBytes(plan: DataPacket[]): number {
  return plan.reduce((sum, p) => sum + p.payload.length + 4, 0);
}
