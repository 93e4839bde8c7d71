/**
 * HMAC-SHA256 (RFC 2104, with SHA-256 as in RFC 4231) in portable TypeScript.
 *
 * The hash is a parameter so that a device can pass its native SHA-256 (Espruino's
 * `require("crypto").SHA256`, DESIGN.md "Trust"): the downlink MAC check then costs two native
 * hash calls instead of an interpreted SHA-256.
 */
import type { HashFn } from "./types";
import { sha256 } from "./sha256";

/** SHA-256 block size B in bytes (RFC 2104 section 2). */
const BLOCK = 64;

/**
 * HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m)), RFC 2104 section 2, where K' is the key
 * hashed first when longer than the block (section 3) and then zero-padded to B bytes.
 *
 * @param key any length; keys over 64 bytes are hashed first, as RFC 2104 requires
 * @param data the message
 * @param hash a SHA-256 implementation (32 bytes out, 64-byte block); defaults to the portable one
 * @returns the 32-byte MAC (truncate it yourself if a protocol asks for fewer bytes, RFC 2104 section 5)
 * @throws nothing of its own; only what `hash` throws
 */
export function hmacSha256(key: Uint8Array, data: Uint8Array, hash?: HashFn): Uint8Array {
  const h: HashFn = hash === undefined ? sha256 : hash;
  const k = key.length > BLOCK ? h(key) : key;

  // Inner: (K' ^ ipad) || data, built in one buffer because HashFn is one-shot.
  const inner = new Uint8Array(BLOCK + data.length);
  for (let i = 0; i < BLOCK; i++) inner[i] = (i < k.length ? k[i] : 0) ^ 0x36;
  for (let i = 0; i < data.length; i++) inner[BLOCK + i] = data[i];
  const innerHash = h(inner);

  // Outer: (K' ^ opad) || H(inner).
  const outer = new Uint8Array(BLOCK + innerHash.length);
  for (let i = 0; i < BLOCK; i++) outer[i] = (i < k.length ? k[i] : 0) ^ 0x5c;
  for (let i = 0; i < innerHash.length; i++) outer[BLOCK + i] = innerHash[i];
  return h(outer);
}
