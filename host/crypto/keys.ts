/**
 * Device key pairs made on the host (`solkit keygen`, tests, the simulator's boards).
 * The seed comes from node:crypto's CSPRNG; the public key from the same portable code the
 * device runs (RFC 8032 §5.1.5), which the tests hold equal to tweetnacl and node:crypto.
 */
import { randomBytes } from "node:crypto";
import { publicKeyFromSeed } from "../../shared/crypto/ed25519";

/** An Ed25519 key pair: the 32-byte secret seed and its 32-byte public key. */
export interface KeyPair {
  publicKey: Uint8Array;
  seed: Uint8Array;
}

/** A fresh random key pair. */
export function generateKeyPair(): KeyPair {
  const seed = new Uint8Array(randomBytes(32));
  return { publicKey: publicKeyFromSeed(seed), seed };
}

/**
 * The key pair of a known seed.
 * @throws SolkitError E_LENGTH when seed is not 32 bytes
 */
export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  return { publicKey: publicKeyFromSeed(seed), seed: Uint8Array.from(seed) };
}
