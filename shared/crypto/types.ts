/**
 * Crypto contracts shared by device and host. Implementations differ per place (portable
 * TypeScript, native SHA-256 on Espruino, tweetnacl or node:crypto on the host); callers
 * depend only on these shapes.
 */

/** A one-shot hash: SHA-256 (32 bytes out) or SHA-512 (64 bytes out). */
export type HashFn = (data: Uint8Array) => Uint8Array;

/** Ed25519 signing with a key the signer holds. */
export interface Signer {
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** 64-byte detached signature over `message`. */
  sign(message: Uint8Array): Uint8Array;
}

/** Ed25519 verification. Returns false for a bad signature; throws only for a malformed argument. */
export interface Verifier {
  /** @throws SolkitError E_LENGTH when the signature is not 64 bytes or the key not 32 */
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}

/**
 * One signature computed in many small steps so that a slow interpreter keeps its event
 * loop running. Call `step()` until it returns true, then read `signature()`.
 */
export interface SigningJob {
  /**
   * Does one bounded slice of work; true when the signature is complete. `budget` (field
   * multiplications, >= 1) overrides the job's own for this step: a scheduler that measures
   * its steps on the real clock can shrink it until a step fits its time slice.
   */
  step(budget?: number): boolean;
  /** Steps done so far and an upper bound of steps in all (for progress and budgeting). */
  progress(): { done: number; total: number };
  /** @throws SolkitError E_NOT_DONE before step() has returned true */
  signature(): Uint8Array;
}
