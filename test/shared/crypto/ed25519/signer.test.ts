import fc from "fast-check";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../../shared/bytes";
import {
  DEFAULT_BUDGET,
  MAX_UNIT_COST,
  createSigner,
  fieldMulCount,
  publicKeyFromSeed,
  resetFieldMulCount,
  signNow,
  startSigning,
} from "../../../../shared/crypto/ed25519";
import type { SigningJob } from "../../../../shared/crypto/types";
import { SolkitError } from "../../../../shared/errors";
import { measureCounts } from "../../../../bench/ed25519-count";

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const messageArb = fc.uint8Array({ minLength: 0, maxLength: 300 });
const naclSign = (seed: Uint8Array, m: Uint8Array): string => toHex(nacl.sign.detached(m, nacl.sign.keyPair.fromSeed(seed).secretKey));

/** Runs a job to the end; returns the signature and the largest step's field multiplications. */
function drive(job: SigningJob): { sig: string; steps: number; largest: number } {
  let steps = 0;
  let largest = 0;
  for (;;) {
    const before = fieldMulCount();
    const done = job.step();
    largest = Math.max(largest, fieldMulCount() - before);
    steps++;
    if (done) break;
  }
  return { sig: toHex(job.signature()), steps, largest };
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SolkitError);
    return `${(e as SolkitError).code}: ${(e as SolkitError).message}`;
  }
  return "no error";
}

describe("incremental Ed25519 signer", () => {
  it("equals tweetnacl byte for byte for random seeds and messages of 0..300 bytes", () => {
    fc.assert(
      fc.property(seedArb, messageArb, (seed, m) => {
        const want = naclSign(seed, m);
        return toHex(signNow(seed, m)) === want && toHex(publicKeyFromSeed(seed)) === toHex(nacl.sign.keyPair.fromSeed(seed).publicKey);
      }),
      { numRuns: 60 },
    );
  });

  it("equals tweetnacl for any budget (1, small, default, large), with or without the key cached", () => {
    fc.assert(
      fc.property(seedArb, messageArb, fc.constantFrom(1, 2, 7, 8, 9, 20, DEFAULT_BUDGET, 100, 1000, Infinity), fc.boolean(), (seed, m, budget, cache) => {
        const publicKey = cache ? publicKeyFromSeed(seed, nacl.hash) : undefined;
        const job = startSigning(seed, m, { budget, sha512: nacl.hash, publicKey });
        const { sig, steps, largest } = drive(job);
        expect(job.progress()).toEqual({ done: steps, total: steps });
        expect(largest).toBeLessThanOrEqual(Math.max(budget, MAX_UNIT_COST));
        return sig === naclSign(seed, m);
      }),
      { numRuns: 40 },
    );
  });

  it("never lets a step exceed its budget (field multiplications counted per step)", () => {
    const seed = new Uint8Array(32).fill(7);
    for (const budget of [8, 9, 15, 16, 32, 64, 200]) {
      const { largest, steps } = drive(startSigning(seed, new Uint8Array(10), { budget, sha512: nacl.hash }));
      expect(largest, `budget ${budget}`).toBeLessThanOrEqual(budget);
      expect(steps).toBeGreaterThanOrEqual(Math.ceil(1494 / budget));
    }
    // below the largest indivisible unit a step does exactly one unit
    expect(drive(startSigning(seed, new Uint8Array(0), { budget: 1, sha512: nacl.hash })).largest).toBe(MAX_UNIT_COST);
  });

  it("signature() before done throws E_NOT_DONE; step() after done stays done", () => {
    const job = startSigning(new Uint8Array(32), new Uint8Array(3), { sha512: nacl.hash });
    expect(codeOf(() => job.signature())).toMatch(/^E_NOT_DONE: /);
    expect(job.step()).toBe(false);
    expect(codeOf(() => job.signature())).toMatch(/^E_NOT_DONE: /);
    const { sig, steps } = drive(job);
    expect(job.step()).toBe(true);
    expect(job.progress()).toEqual({ done: steps + 1, total: steps + 1 });
    expect(toHex(job.signature())).toBe(sig);
  });

  it("checks its inputs noble-curves style", () => {
    expect(codeOf(() => startSigning(new Uint8Array(31), new Uint8Array(0)))).toBe('E_LENGTH: "seed" expected 32 bytes, got 31');
    expect(codeOf(() => publicKeyFromSeed(new Uint8Array(33)))).toBe('E_LENGTH: "seed" expected 32 bytes, got 33');
    expect(codeOf(() => signNow(new Uint8Array(0), new Uint8Array(0)))).toBe('E_LENGTH: "seed" expected 32 bytes, got 0');
    expect(codeOf(() => createSigner(new Uint8Array(64)))).toBe('E_LENGTH: "seed" expected 32 bytes, got 64');
    expect(codeOf(() => startSigning(new Uint8Array(32), new Uint8Array(0), { publicKey: new Uint8Array(31) }))).toBe(
      'E_LENGTH: "publicKey" expected 32 bytes, got 31',
    );
    for (const budget of [0, -1, 0.5, Number.NaN]) {
      expect(codeOf(() => startSigning(new Uint8Array(32), new Uint8Array(0), { budget }))).toMatch(/^E_RANGE: "budget" expected a number >= 1/);
    }
  });

  it("createSigner caches the public key and signs like tweetnacl, all at once or in steps", () => {
    const seed = new Uint8Array(32).map((_, i) => i);
    const signer = createSigner(seed);
    expect(toHex(signer.publicKey)).toBe(toHex(nacl.sign.keyPair.fromSeed(seed).publicKey));
    const m = new Uint8Array([1, 2, 3]);
    resetFieldMulCount();
    expect(toHex(signer.sign(m))).toBe(naclSign(seed, m));
    expect(fieldMulCount()).toBe(747);
    expect(drive(signer.startSigning(m, 16)).sig).toBe(naclSign(seed, m));
    seed[0] ^= 1; // the signer kept its own copy
    expect(toHex(signer.sign(m))).toBe(naclSign(new Uint8Array(32).map((_, i) => i), m));
  });

  it("a message changed after the job starts does not change the signature", () => {
    const seed = new Uint8Array(32).fill(1);
    const m = new Uint8Array([9, 9, 9]);
    const job = startSigning(seed, m, { sha512: nacl.hash });
    m[0] = 0;
    expect(drive(job).sig).toBe(naclSign(seed, new Uint8Array([9, 9, 9])));
  });

  it("needs at most a fifth of tweetnacl's field multiplications per signature (key cached)", () => {
    const c = measureCounts();
    expect(c.tweetnaclSign).toBe(5117);
    expect(c.oursSignCached).toBe(747);
    expect(c.oursSignCached * 5).toBeLessThanOrEqual(c.tweetnaclSign);
    expect(c.oursSignWithKey).toBe(1494);
    expect(c.largestStep).toBeLessThanOrEqual(DEFAULT_BUDGET);
  });
});
