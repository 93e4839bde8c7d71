import { generateKeyPairSync, sign as nodeSign } from "node:crypto";
import fc from "fast-check";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../shared/bytes";
import { publicKeyFromSeed, signNow } from "../../../shared/crypto/ed25519";
import type { Verifier } from "../../../shared/crypto/types";
import { SolkitError } from "../../../shared/errors";
import vectors from "../../../shared/test/vectors/ed25519.json";
import { generateKeyPair, keyPairFromSeed } from "../../../host/crypto/keys";
import { nodeVerifier, nodeVerifierCacheSize } from "../../../host/crypto/node-verifier";
import { scalarIsCanonical, tweetnaclSigner, tweetnaclVerifier } from "../../../host/crypto/tweetnacl-signer";

const VERIFIERS: [string, Verifier][] = [
  ["tweetnacl", tweetnaclVerifier],
  ["node:crypto", nodeVerifier],
];
const hex = (s: string): Uint8Array => fromHex(s) as Uint8Array;
const good = vectors.cases.filter((c: any) => c.error === undefined);
const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const messageArb = fc.uint8Array({ minLength: 0, maxLength: 300 });
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function flip(b: Uint8Array, bit: number): Uint8Array {
  const c = Uint8Array.from(b);
  c[Math.floor(bit / 8) % c.length] ^= 1 << bit % 8;
  return c;
}

/** The signature with S replaced by S + k·L (k = 1: still < 2^256 for any S < L). */
function addL(sig: Uint8Array, k: bigint): Uint8Array {
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = s * 256n + BigInt(sig[i]);
  s += k * L;
  const out = Uint8Array.from(sig);
  for (let i = 0; i < 32; i++) out[32 + i] = Number((s >> BigInt(8 * i)) & 0xffn);
  return out;
}

describe.each(VERIFIERS)("%s verifier", (_name, verifier) => {
  it("accepts every RFC 8032 vector and rejects it with any one bit flipped", () => {
    for (const c of good) {
      const m = hex(c.message);
      const sig = hex(c.signature);
      const pk = hex(c.publicKey);
      expect(verifier.verify(m, sig, pk), c.name).toBe(true);
      expect(verifier.verify(m, flip(sig, 3), pk)).toBe(false);
      expect(verifier.verify(m, flip(sig, 300), pk)).toBe(false);
      expect(verifier.verify(m, sig, flip(pk, 77))).toBe(false);
      if (m.length > 0) expect(verifier.verify(flip(m, 5), sig, pk)).toBe(false);
      else expect(verifier.verify(new Uint8Array(1), sig, pk)).toBe(false);
    }
  });

  it("returns false when a random bit of signature, message or key is flipped", () => {
    fc.assert(
      fc.property(seedArb, messageArb, fc.nat(), fc.constantFrom("signature", "message", "key"), (seed, m, bit, what) => {
        const pk = publicKeyFromSeed(seed);
        const sig = signNow(seed, m);
        if (!verifier.verify(m, sig, pk)) return false;
        if (what === "signature") return !verifier.verify(m, flip(sig, bit % 512), pk);
        if (what === "key") return !verifier.verify(m, sig, flip(pk, bit % 256));
        const longer = m.length === 0 ? new Uint8Array(1) : flip(m, bit % (8 * m.length));
        return !verifier.verify(longer, sig, pk);
      }),
      { numRuns: 60 },
    );
  });

  it("rejects a malleated S (S + L, S = L) as RFC 8032 §5.1.7 requires", () => {
    const c = good[1];
    const sig = hex(c.signature);
    expect(verifier.verify(hex(c.message), addL(sig, 1n), hex(c.publicKey))).toBe(false);
    const sEqualsL = addL(new Uint8Array(64), 1n);
    expect(scalarIsCanonical(sEqualsL)).toBe(false);
    expect(verifier.verify(hex(c.message), sEqualsL, hex(c.publicKey))).toBe(false);
  });

  it("throws E_LENGTH only for malformed lengths", () => {
    const m = new Uint8Array(3);
    const cases: [Uint8Array, Uint8Array, string][] = [
      [new Uint8Array(63), new Uint8Array(32), '"signature" expected 64 bytes, got 63'],
      [new Uint8Array(65), new Uint8Array(32), '"signature" expected 64 bytes, got 65'],
      [new Uint8Array(64), new Uint8Array(31), '"publicKey" expected 32 bytes, got 31'],
      [new Uint8Array(64), new Uint8Array(0), '"publicKey" expected 32 bytes, got 0'],
    ];
    for (const [sig, pk, msg] of cases) {
      let err: unknown;
      try {
        verifier.verify(m, sig, pk);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SolkitError);
      expect((err as SolkitError).code).toBe("E_LENGTH");
      expect((err as SolkitError).message).toBe(msg);
    }
    // well-formed garbage is just invalid
    const pk = hex(good[0].publicKey);
    expect(verifier.verify(m, new Uint8Array(64), pk)).toBe(false);
    expect(verifier.verify(m, new Uint8Array(64).fill(0xff), new Uint8Array(32).fill(0xff))).toBe(false);
    expect(verifier.verify(m, new Uint8Array(64).fill(1), pk)).toBe(false);
  });
});

describe("host Ed25519 adapters", () => {
  it("node:crypto and tweetnacl agree on random valid and invalid inputs", () => {
    const input = fc.oneof(
      // valid, or valid with one bit flipped somewhere
      fc.tuple(seedArb, messageArb, fc.option(fc.nat({ max: 64 * 8 + 32 * 8 - 1 }))).map(([seed, m, bit]) => {
        let sig = signNow(seed, m);
        let pk = publicKeyFromSeed(seed);
        if (bit !== null) {
          if (bit < 512) sig = flip(sig, bit);
          else pk = flip(pk, bit - 512);
        }
        return { m, sig, pk };
      }),
      // random bytes of the right lengths
      fc.record({
        m: messageArb,
        sig: fc.uint8Array({ minLength: 64, maxLength: 64 }),
        pk: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      }),
    );
    fc.assert(
      fc.property(input, ({ m, sig, pk }) => tweetnaclVerifier.verify(m, sig, pk) === nodeVerifier.verify(m, sig, pk)),
      { numRuns: 150 },
    );
  });

  it("agree on small-order keys, which RFC 8032's cofactorless check lets through for some messages", () => {
    // A = R = the point with y = 0 (order 4), S = 0: [S]B = R + k·A holds whenever k ≡ 3 (mod 4), so
    // both accept about one message in four. Devices' keys are never small-order (a clamped
    // secret times B); a gateway accepts only keys it was provisioned with.
    const zeroKey = new Uint8Array(32);
    const zeroSig = new Uint8Array(64);
    let accepted = 0;
    for (let i = 0; i < 16; i++) {
      const m = new Uint8Array([i]);
      const a = tweetnaclVerifier.verify(m, zeroSig, zeroKey);
      expect(nodeVerifier.verify(m, zeroSig, zeroKey), `message ${i}`).toBe(a);
      if (a) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it("node:crypto verifies what node:crypto signed, and caches one KeyObject per key", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const raw = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(12));
    const m = new Uint8Array([1, 2, 3]);
    const sig = new Uint8Array(nodeSign(null, m, privateKey));
    const before = nodeVerifierCacheSize();
    expect(nodeVerifier.verify(m, sig, raw)).toBe(true);
    expect(nodeVerifier.verify(m, sig, raw)).toBe(true);
    expect(tweetnaclVerifier.verify(m, sig, raw)).toBe(true);
    expect(nodeVerifierCacheSize()).toBe(before + 1);
  });

  it("tweetnaclSigner signs like the portable signer and checks its seed", () => {
    fc.assert(
      fc.property(seedArb, messageArb, (seed, m) => {
        const s = tweetnaclSigner(seed);
        return toHex(s.publicKey) === toHex(publicKeyFromSeed(seed)) && toHex(s.sign(m)) === toHex(signNow(seed, m));
      }),
      { numRuns: 30 },
    );
    expect(() => tweetnaclSigner(new Uint8Array(31))).toThrow('"seed" expected 32 bytes, got 31');
  });

  it("generateKeyPair makes fresh pairs whose public key tweetnacl derives too", () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(a.seed.length).toBe(32);
    expect(toHex(a.seed)).not.toBe(toHex(b.seed));
    expect(toHex(a.publicKey)).toBe(toHex(nacl.sign.keyPair.fromSeed(a.seed).publicKey));
    const c = good[0];
    expect(toHex(keyPairFromSeed(hex(c.seed)).publicKey)).toBe(c.publicKey);
  });
});
