/**
 * Ed25519 on the host through tweetnacl (the reference the portable signer is tested against).
 *
 * Verification follows RFC 8032 §5.1.7 strictly where tweetnacl alone is lax: tweetnacl's
 * `sign.detached.verify` accepts an S that is not below the group order L (a malleable
 * signature: S + L verifies as S does); node:crypto (OpenSSL) rejects it. Checking S < L here
 * makes both host verifiers give the same answer.
 */
import nacl from "tweetnacl";
import { expectLength } from "../../shared/errors";
import type { Signer, Verifier } from "../../shared/crypto/types";

/** L = 2^252 + 27742317777372353535851937790883648493, little-endian bytes. */
const L_BYTES = [
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/** True when the little-endian scalar in signature[32..64] is below L (RFC 8032 §5.1.7 step 1). */
export function scalarIsCanonical(signature: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i];
    if (s < L_BYTES[i]) return true;
    if (s > L_BYTES[i]) return false;
  }
  return false; // S = L
}

/** Throws unless signature is 64 bytes and publicKey 32 (the only errors a Verifier throws). */
export function checkVerifyArgs(signature: Uint8Array, publicKey: Uint8Array): void {
  expectLength("signature", signature, 64);
  expectLength("publicKey", publicKey, 32);
}

/**
 * A Signer over tweetnacl for a 32-byte seed.
 * @throws SolkitError E_LENGTH when seed is not 32 bytes
 */
export function tweetnaclSigner(seed: Uint8Array): Signer {
  expectLength("seed", seed, 32);
  const pair = nacl.sign.keyPair.fromSeed(Uint8Array.from(seed));
  return {
    publicKey: pair.publicKey,
    sign(message: Uint8Array): Uint8Array {
      return nacl.sign.detached(message, pair.secretKey);
    },
  };
}

/** A Verifier over tweetnacl, with the S < L check of RFC 8032 §5.1.7. */
export const tweetnaclVerifier: Verifier = {
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
    checkVerifyArgs(signature, publicKey);
    if (!scalarIsCanonical(signature)) return false;
    return nacl.sign.detached.verify(message, signature, publicKey);
  },
};
