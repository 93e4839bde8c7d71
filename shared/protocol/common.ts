/**
 * Pieces every message codec shares: kind bytes, the version, domain prefixes and the
 * header/range checks, so that all decoders fail the same way (PROTOCOL.md section 1).
 */
import { fromAscii, readU32, writeU32 } from "../bytes";
import { SolkitError } from "../errors";

/** Protocol version this code speaks (byte 1 of every message). */
export const PROTOCOL_VERSION = 1;
/** Kind bytes (byte 0 of every message). */
export const KIND_READING = 1;
export const KIND_ACK = 2;
export const KIND_TOKEN = 3;

/** Largest value of a u64 field: 2^53 - 1, exact in a double and in a Lua integer. */
export const MAX_U53 = 9007199254740991;

/** Domain prefixes (ASCII + NUL) that keep signatures and MACs of one kind off any other. */
export const READING_SIGN_PREFIX = fromAscii("solkit/v1/reading\u0000");
export const ACK_MAC_PREFIX = fromAscii("solkit/v1/ack\u0000");
export const TOKEN_MAC_PREFIX = fromAscii("solkit/v1/token\u0000");
export const HOST_KEY_MAC_PREFIX = fromAscii("solkit/v1/host-key\u0000");

/** Bytes of a truncated HMAC tag (PROTOCOL.md 4.2: RFC 2104 section 5 truncation). */
export const MAC_LENGTH = 16;

/**
 * Checks kind, version and exact length, in that order (PROTOCOL.md section 1).
 * @throws SolkitError E_LENGTH, E_KIND, E_VERSION
 */
export function checkHeader(what: string, b: Uint8Array, kind: number, length: number): void {
  if (b.length < 2) throw new SolkitError("E_LENGTH", `${what}: expected ${length} bytes, got ${b.length}`);
  if (b[0] !== kind) throw new SolkitError("E_KIND", `${what}: expected kind ${kind}, got ${b[0]}`);
  if (b[1] !== PROTOCOL_VERSION) {
    throw new SolkitError("E_VERSION", `${what}: expected version ${PROTOCOL_VERSION}, got ${b[1]}`);
  }
  if (b.length !== length) throw new SolkitError("E_LENGTH", `${what}: expected ${length} bytes, got ${b.length}`);
}

/** Throws E_RANGE unless `v` is an integer in lo..hi. @throws SolkitError E_RANGE */
export function checkInt(what: string, v: number, lo: number, hi: number): void {
  if (typeof v !== "number" || Math.floor(v) !== v || v < lo || v > hi) {
    throw new SolkitError("E_RANGE", `${what}: expected an integer in ${lo}..${hi}, got ${v}`);
  }
}

/** Throws E_FIELD unless `v` is zero (reserved bytes). @throws SolkitError E_FIELD */
export function checkZero(what: string, v: number): void {
  if (v !== 0) throw new SolkitError("E_FIELD", `${what}: expected 0 (reserved), got ${v}`);
}

/** Throws E_LENGTH unless `b` is a byte array of `n` bytes. @throws SolkitError E_LENGTH */
export function checkBytes(what: string, b: Uint8Array, n: number): void {
  const got = b === undefined || b === null ? -1 : b.length;
  if (got !== n) throw new SolkitError("E_LENGTH", `${what}: expected ${n} bytes, got ${got}`);
}

/** Reads a little-endian two's complement 32-bit integer. */
export function readI32(b: Uint8Array, at: number): number {
  const v = readU32(b, at);
  return v >= 2147483648 ? v - 4294967296 : v;
}

/** Writes `v` (-2^31..2^31-1) as a little-endian two's complement 32-bit integer. */
export function writeI32(b: Uint8Array, at: number, v: number): void {
  writeU32(b, at, v < 0 ? v + 4294967296 : v);
}

/** The code of a caught error: SolkitError's `code`, else "E_INTERNAL" (never rethrows). */
export function errorCode(e: unknown): string {
  const code = e !== undefined && e !== null ? (e as SolkitError).code : undefined;
  return typeof code === "string" ? code : "E_INTERNAL";
}
