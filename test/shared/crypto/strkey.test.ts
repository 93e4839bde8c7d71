import fc from "fast-check";
import { StrKey } from "@stellar/stellar-base";
import { describe, expect, it } from "vitest";
import {
  decodePublicKey,
  decodeSecretSeed,
  encodePublicKey,
  encodeSecretSeed,
  isPublicKey,
} from "../../../shared/crypto/strkey";
import { SolkitError } from "../../../shared/errors";
import { runStrkeyVectors } from "../../../shared/selftest/strkey";
import vectors from "../../../shared/test/vectors/strkey.json";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** The SolkitError a call throws (fails the test on any other outcome). */
function errorOf(f: () => unknown): SolkitError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SolkitError);
    return e as SolkitError;
  }
  throw new Error("expected a throw");
}

describe("StrKey (SEP-23)", () => {
  it("passes every golden vector through the portable runner", () => {
    const results = runStrkeyVectors(vectors.cases);
    expect(results.length).toBe(vectors.cases.length);
    for (const r of results) expect(r, r.name).toEqual({ name: r.name, ok: true, detail: "" });
  });

  it("encodes like @stellar/stellar-base and decodes its output, for random keys", () => {
    fc.assert(
      fc.property(key32, (k) => {
        const g = encodePublicKey(k);
        const s = encodeSecretSeed(k);
        expect(g).toBe(StrKey.encodeEd25519PublicKey(Buffer.from(k)));
        expect(s).toBe(StrKey.encodeEd25519SecretSeed(Buffer.from(k)));
        expect(g).toMatch(/^G[A-Z2-7]{55}$/);
        expect(s).toMatch(/^S[A-Z2-7]{55}$/);
        expect(Buffer.from(decodePublicKey(g)).equals(StrKey.decodeEd25519PublicKey(g))).toBe(true);
        expect(Buffer.from(decodeSecretSeed(s)).equals(StrKey.decodeEd25519SecretSeed(s))).toBe(true);
        expect(isPublicKey(g)).toBe(true);
        expect(isPublicKey(s)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses to encode a key that is not 32 bytes (E_LENGTH, says what came)", () => {
    expect(errorOf(() => encodePublicKey(new Uint8Array(31)))).toMatchObject({
      code: "E_LENGTH",
      message: '"publicKey" expected 32 bytes, got 31',
    });
    expect(errorOf(() => encodeSecretSeed(new Uint8Array(33))).code).toBe("E_LENGTH");
  });

  it("says which kind of key came when the version byte is wrong", () => {
    const k = new Uint8Array(32).fill(9);
    const e1 = errorOf(() => decodePublicKey(encodeSecretSeed(k)));
    expect(e1.code).toBe("E_STRKEY");
    expect(e1.message).toBe("public key: expected a public key (G...), got a secret seed (S...)");
    const e2 = errorOf(() => decodeSecretSeed(encodePublicKey(k)));
    expect(e2.message).toBe("secret seed: expected a secret seed (S...), got a public key (G...)");
  });

  it("names the wrong length and the bad character's position, never the input", () => {
    const s = encodeSecretSeed(new Uint8Array(32).fill(3));
    expect(errorOf(() => decodeSecretSeed(s.slice(0, 50))).message).toBe("secret seed: expected 56 characters, got 50");
    const bad = errorOf(() => decodeSecretSeed(s.slice(0, 20) + "1" + s.slice(21)));
    expect(bad.code).toBe("E_STRKEY");
    expect(bad.message).toContain("character 21 of 56");
    expect(bad.message).not.toContain(s.slice(0, 10));
  });

  it("fails the checksum when any one character is changed", () => {
    fc.assert(
      fc.property(key32, fc.nat(55), fc.nat(30), fc.boolean(), (k, pos0, delta, seed) => {
        const text = seed ? encodeSecretSeed(k) : encodePublicKey(k);
        const pos = 1 + (pos0 % 55); // not the leading letter: the wrong-version path is tested above
        const c = ALPHABET[(ALPHABET.indexOf(text[pos]) + 1 + delta) % 32];
        const changed = text.slice(0, pos) + c + text.slice(pos + 1);
        const e = errorOf(() => (seed ? decodeSecretSeed(changed) : decodePublicKey(changed)));
        // CRC-16 catches every burst of up to 16 bits, so a 5-bit character change always fails;
        // character 2 also holds 3 bits of the version byte, hence "expected a ...".
        expect(e.code).toBe("E_STRKEY");
        expect(e.message).toMatch(/checksum|expected a/);
        expect(StrKey.isValidEd25519PublicKey(changed) || StrKey.isValidEd25519SecretSeed(changed)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("decoding random strings only ever throws SolkitError E_STRKEY", () => {
    const strkeyish = fc.oneof(
      fc.string({ maxLength: 70 }),
      fc.string({ unit: fc.constantFrom(...ALPHABET.split("")), minLength: 56, maxLength: 56 }),
      fc.string({ unit: fc.constantFrom(..."GSABgs27=1 ".split("")), minLength: 55, maxLength: 57 }),
    );
    fc.assert(
      fc.property(strkeyish, (s) => {
        for (const decode of [decodePublicKey, decodeSecretSeed]) {
          let ours: Uint8Array | undefined;
          try {
            ours = decode(s);
          } catch (e) {
            expect(e).toBeInstanceOf(SolkitError);
            expect((e as SolkitError).code).toBe("E_STRKEY");
          }
          // We accept exactly what Stellar accepts.
          const theirs = decode === decodePublicKey ? StrKey.isValidEd25519PublicKey(s) : StrKey.isValidEd25519SecretSeed(s);
          expect(ours !== undefined).toBe(theirs);
        }
        expect(isPublicKey(s)).toBe(StrKey.isValidEd25519PublicKey(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects non-string input with E_STRKEY rather than a TypeError", () => {
    expect(errorOf(() => decodePublicKey(undefined as unknown as string)).code).toBe("E_STRKEY");
    expect(errorOf(() => decodeSecretSeed(42 as unknown as string)).code).toBe("E_STRKEY");
    expect(isPublicKey(null as unknown as string)).toBe(false);
  });
});
