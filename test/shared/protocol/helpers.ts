/** Test helpers for the protocol tests: tweetnacl behind the Signer/Verifier contracts, vector loading. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import nacl from "tweetnacl";
import type { Signer, Verifier } from "../../../shared/crypto/types";
import { SolkitError } from "../../../shared/errors";

export function loadVectors(kind: string): { kind: string; source: string; cases: any[] } {
  return JSON.parse(readFileSync(join(__dirname, "../../../shared/test/vectors", `${kind}.json`), "utf8"));
}

export const naclVerifier: Verifier = {
  verify(message, signature, publicKey) {
    if (signature.length !== 64) throw new SolkitError("E_LENGTH", `"sig" expected 64 bytes, got ${signature.length}`);
    if (publicKey.length !== 32) throw new SolkitError("E_LENGTH", `"publicKey" expected 32 bytes, got ${publicKey.length}`);
    return nacl.sign.detached.verify(message, signature, publicKey);
  },
};

export function naclSigner(seed: Uint8Array): Signer {
  const kp = nacl.sign.keyPair.fromSeed(seed);
  return { publicKey: kp.publicKey, sign: (m) => nacl.sign.detached(m, kp.secretKey) };
}

/** Runs `fn`; passes when it returns or throws a SolkitError, fails on anything else. */
export function onlySolkitErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SolkitError)) throw new Error(`threw a non-SolkitError: ${String(e)}`);
  }
}
