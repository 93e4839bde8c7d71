/**
 * Stellar StrKey (SEP-23) for Ed25519 keys: the `G…` account id that is our device id, and
 * the `S…` secret seed.
 *
 * Layout (SEP-23, "Specification"): base32 (RFC 4648, no padding) of
 *   version byte || 32-byte payload || CRC-16/XMODEM of the first two, little-endian.
 * The version byte is the key type shifted left by 3, which puts the type's letter first:
 * 6 << 3 = 48 gives "G", 18 << 3 = 144 gives "S". 35 bytes are exactly 56 characters, so an
 * Ed25519 StrKey has no spare trailing bits.
 *
 * Decoding is strict, like @stellar/stellar-base: upper case only, exact length, the expected
 * version byte, the checksum. Error messages never repeat the input: it may be a secret seed.
 */
import { SolkitError } from "../errors";
import { base32Decode, base32Encode } from "../encoding/base32";
import { crc16Xmodem } from "./crc16";

/** SEP-23 version byte of an Ed25519 public key (account id, "G…"). */
export const VERSION_PUBLIC_KEY = 6 << 3;
/** SEP-23 version byte of an Ed25519 secret seed ("S…"). */
export const VERSION_SECRET_SEED = 18 << 3;

/** Characters of a StrKey with a 32-byte payload: ceil((1 + 32 + 2) * 8 / 5). */
const STRKEY_LENGTH = 56;

/** What a version byte stands for, for messages (SEP-23's table of key types). */
function describeVersion(v: number): string {
  if (v === VERSION_PUBLIC_KEY) return "a public key (G...)";
  if (v === VERSION_SECRET_SEED) return "a secret seed (S...)";
  if (v === 12 << 3) return "a muxed account (M...)";
  if (v === 19 << 3) return "a pre-authorized transaction hash (T...)";
  if (v === 23 << 3) return "a SHA-256 hash signer (X...)";
  if (v === 15 << 3) return "a signed payload (P...)";
  if (v === 2 << 3) return "a contract (C...)";
  return `version byte ${v}`;
}

/** The first 33 bytes (version + payload): what the checksum covers. */
function headOf(raw: Uint8Array): Uint8Array {
  const head = new Uint8Array(33);
  for (let i = 0; i < 33; i++) head[i] = raw[i];
  return head;
}

function encode(version: number, payload: Uint8Array, what: string): string {
  if (payload.length !== 32) {
    throw new SolkitError("E_LENGTH", `"${what}" expected 32 bytes, got ${payload.length}`);
  }
  const raw = new Uint8Array(35);
  raw[0] = version;
  for (let i = 0; i < 32; i++) raw[1 + i] = payload[i];
  const crc = crc16Xmodem(headOf(raw));
  raw[33] = crc & 0xff; // little-endian (SEP-23)
  raw[34] = (crc >>> 8) & 0xff;
  return base32Encode(raw);
}

function decode(version: number, text: string, what: string): Uint8Array {
  if (typeof text !== "string") throw new SolkitError("E_STRKEY", `${what}: expected a string, got ${typeof text}`);
  if (text.length !== STRKEY_LENGTH) {
    throw new SolkitError("E_STRKEY", `${what}: expected ${STRKEY_LENGTH} characters, got ${text.length}`);
  }
  let raw: Uint8Array;
  try {
    raw = base32Decode(text);
  } catch (e: any) {
    // Re-thrown under our own code; base32's message says which character (by position only).
    throw new SolkitError("E_STRKEY", `${what}: ${e && e.message}`);
  }
  if (raw[0] !== version) {
    throw new SolkitError("E_STRKEY", `${what}: expected ${describeVersion(version)}, got ${describeVersion(raw[0])}`);
  }
  const crc = crc16Xmodem(headOf(raw));
  if (raw[33] !== (crc & 0xff) || raw[34] !== ((crc >>> 8) & 0xff)) {
    throw new SolkitError("E_STRKEY", `${what}: checksum mismatch (a character is mistyped)`);
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = raw[1 + i];
  return out;
}

/**
 * The account id ("G…", 56 characters) of a 32-byte Ed25519 public key.
 * @throws SolkitError E_LENGTH when `pk` is not 32 bytes
 */
export function encodePublicKey(pk: Uint8Array): string {
  return encode(VERSION_PUBLIC_KEY, pk, "publicKey");
}

/**
 * The 32-byte Ed25519 public key of an account id ("G…").
 * @throws SolkitError E_STRKEY on a wrong length, a character outside A-Z/2-7, a version byte
 *   other than G's (e.g. an S… seed passed by mistake), or a bad checksum
 */
export function decodePublicKey(s: string): Uint8Array {
  return decode(VERSION_PUBLIC_KEY, s, "public key");
}

/**
 * The secret seed ("S…", 56 characters) of a 32-byte Ed25519 seed. Treat the result as a secret.
 * @throws SolkitError E_LENGTH when `seed` is not 32 bytes
 */
export function encodeSecretSeed(seed: Uint8Array): string {
  return encode(VERSION_SECRET_SEED, seed, "seed");
}

/**
 * The 32-byte Ed25519 seed of a secret seed string ("S…").
 * @throws SolkitError E_STRKEY on a wrong length, a bad character, a version byte other than
 *   S's (e.g. a G… account id), or a bad checksum; the message never repeats the input
 */
export function decodeSecretSeed(s: string): Uint8Array {
  return decode(VERSION_SECRET_SEED, s, "secret seed");
}

/**
 * Whether `s` is a well-formed account id ("G…" with a valid checksum).
 * @throws nothing
 */
export function isPublicKey(s: string): boolean {
  try {
    decodePublicKey(s);
    return true;
  } catch (e) {
    return false;
  }
}
