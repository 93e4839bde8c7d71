/**
 * Ed25519 for the device: portable (Node, Espruino, Lua), incremental signing over a
 * precomputed base-point table. See signer.ts for the stepping contract and base-mul.ts for
 * the cost of one signature in field multiplications.
 */
export { DEFAULT_BUDGET, MAX_UNIT_COST, createSigner, publicKeyFromSeed, signNow, startSigning } from "./signer";
export type { SigningOptions, StepSigner } from "./signer";
export { fieldMulCount, resetFieldMulCount } from "./field";
