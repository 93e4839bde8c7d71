/**
 * Ed25519 verification through node:crypto (OpenSSL), several times faster than tweetnacl:
 * the gateway verifies every signed reading it relays.
 *
 * node:crypto takes keys as KeyObjects, not raw bytes. A raw 32-byte Ed25519 key becomes one
 * by prefixing the fixed DER header of its SubjectPublicKeyInfo (RFC 8410 §4:
 * SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33 bytes, 0 unused bits) }).
 * KeyObjects are cached by key hex, since a gateway sees the same few devices again and again.
 */
import { type KeyObject, createPublicKey, verify } from "node:crypto";
import type { Verifier } from "../../shared/crypto/types";
import { checkVerifyArgs } from "./tweetnacl-signer";

/** DER of SubjectPublicKeyInfo for Ed25519 up to the 32 key bytes (RFC 8410 §4, §10.1). */
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Most keys kept; past this the cache starts over (a fleet's gateway sees far fewer). */
const CACHE_LIMIT = 4096;
const cache = new Map<string, KeyObject | null>();

/** The KeyObject of a raw key, or null when OpenSSL refuses the bytes (that key verifies nothing). */
function keyObject(publicKey: Uint8Array): KeyObject | null {
  const hex = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString("hex");
  const hit = cache.get(hex);
  if (hit !== undefined) return hit;
  let key: KeyObject | null;
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(hex, "hex")]), format: "der", type: "spki" });
  } catch {
    key = null;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(hex, key);
  return key;
}

/** Number of cached keys (for tests). */
export function nodeVerifierCacheSize(): number {
  return cache.size;
}

/** A Verifier over node:crypto. Returns false for a bad signature; throws only E_LENGTH. */
export const nodeVerifier: Verifier = {
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
    checkVerifyArgs(signature, publicKey);
    const key = keyObject(publicKey);
    if (key === null) return false;
    try {
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  },
};
