/**
 * The Espruino target's native modules (issue 9), run under V8 with E.convolve, atob and btoa
 * as the simulator implements them from Espruino's C source (atob lenient): the same values,
 * and the same errors, as the portable modules they replace. The real interpreter runs them
 * in test/device/ (selftest, differential).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulLimbs as portableMul } from "../../../shared/crypto/ed25519/field-mul";
import { lookupNiels as portableLookup } from "../../../shared/crypto/ed25519/base-lookup";
import { baseTable } from "../../../shared/crypto/ed25519/base-mul";
import { fe, type Fe } from "../../../shared/crypto/ed25519/field";
import type { Niels } from "../../../shared/crypto/ed25519/point";
import { convolve } from "../../../simulator/espruino/convolve";
import { decodeBase64 as portableDecode, encodeBase64 as portableEncode } from "../../../shared/encoding/base64";

type Mul = (o: Fe, a: Fe, b: Fe) => void;
type Lookup = (n: Niels, t: Uint8Array, j: number, e: number) => void;
let nativeMul: Mul;
let nativeMulSmall: Mul;
let nativeLookup: Lookup;
let nativeB64: { encodeBase64(d: Uint8Array): string; decodeBase64(t: string): Uint8Array };

beforeAll(async () => {
  // What the modules expect of the interpreter: E.convolve, atob and E.toUint8Array.
  (globalThis as any).E = {
    convolve,
    toUint8Array: (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0)),
    toString: (d: Uint8Array) => String.fromCharCode(...d),
  };
  // Espruino's atob skips what is not base64 (measured on 2v29); Node's would throw.
  savedAtob = globalThis.atob;
  (globalThis as any).atob = (t: string) => Buffer.from(t, "base64").toString("latin1");
  // Imported by a computed path: the modules type-check against espruino.d.ts (their own
  // tsconfig), whose globals clash with Node's in this project's.
  const target = "../../../firmware/targets/espruino/";
  nativeMul = ((await import(`${target}native-field-mul`)) as { mulLimbs: Mul }).mulLimbs;
  nativeMulSmall = ((await import(`${target}native-field-mul-small`)) as { mulLimbs: Mul }).mulLimbs;
  nativeLookup = ((await import(`${target}native-base-lookup`)) as { lookupNiels: Lookup }).lookupNiels;
  nativeB64 = (await import(`${target}native-base64`)) as typeof nativeB64;
});

let savedAtob: typeof atob;
afterAll(() => {
  globalThis.atob = savedAtob;
  delete (globalThis as any).E;
});

const P = 2n ** 255n - 19n;
const value = (x: Fe): bigint => {
  let s = 0n;
  for (let i = 15; i >= 0; i--) s = s * 65536n + BigInt(x[i]);
  return ((s % P) + P) % P;
};
const limbs = (min: number, max: number) => fc.array(fc.integer({ min, max }), { minLength: 16, maxLength: 16 }).map((l) => Float64Array.from(l));

describe("native field multiplication (E.convolve)", () => {
  it("equals the portable product mod p for carried limbs and for the sums and differences fed to it", () => {
    for (const [min, max] of [[0, 65535], [-(2 ** 18), 2 ** 18]]) {
      fc.assert(
        fc.property(limbs(min, max), limbs(min, max), (a, b) => {
          const o1 = fe(0);
          const o2 = fe(0);
          const o3 = fe(0);
          portableMul(o1, a, b);
          nativeMul(o2, a, b);
          nativeMulSmall(o3, a, b);
          if (Array.from(o3).join() !== Array.from(o2).join()) return false; // the loops are the unrolled code
          // limbs in range: 0..65535 except limb 1 (-2^15 < limb < 2^17), as the module says
          for (let i = 0; i < 16; i++) if (o2[i] < (i === 1 ? -(2 ** 15) : 0) || o2[i] >= (i === 1 ? 2 ** 17 : 65536)) return false;
          return value(o2) === value(o1) && value(o2) === (value(a) * value(b)) % P;
        }),
        { numRuns: 300 },
      );
    }
  });

  it("may write over either input, or both", () => {
    fc.assert(
      fc.property(limbs(-(2 ** 17), 2 ** 17), limbs(0, 65535), (a, b) => {
        const want = (value(a) * value(b)) % P;
        const a1 = Float64Array.from(a);
        nativeMul(a1, a1, b);
        const b1 = Float64Array.from(b);
        nativeMul(b1, a, b1);
        const sq = Float64Array.from(a);
        nativeMul(sq, sq, sq);
        const a2 = Float64Array.from(a);
        nativeMulSmall(a2, a2, b);
        return value(a1) === want && value(b1) === want && value(a2) === want && value(sq) === (value(a) * value(a)) % P;
      }),
      { numRuns: 100 },
    );
  });
});

describe("native base-table lookup (E.convolve over the column layout)", () => {
  it("gives the portable lookup's limbs for every window and every digit -8..8", () => {
    const niels = (): Niels => ({ ypx: fe(0), ymx: fe(0), xy2d: fe(0) });
    const plain = (n: Niels) => [n.ypx, n.ymx, n.xy2d].map((f) => Array.from(f, (v) => v + 0)); // -0 → 0
    for (let j = 0; j < 32; j++) {
      for (let e = -8; e <= 8; e++) {
        const want = niels();
        const got = niels();
        portableLookup(want, baseTable(), j, e);
        nativeLookup(got, baseTable(), j, e);
        expect(plain(got), `window ${j}, digit ${e}`).toEqual(plain(want));
      }
    }
  });
});

describe("native base64 (btoa/atob, checked by encoding again)", () => {
  const outcome = (f: () => Uint8Array): string => {
    try {
      return Buffer.from(f()).toString("hex");
    } catch (e) {
      return `${(e as { code?: string }).code}: ${(e as Error).message}`;
    }
  };

  it("encodes as the portable encoder, and decodes what it encodes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (d) => {
        const text = nativeB64.encodeBase64(d);
        return text === portableEncode(d) && Buffer.from(nativeB64.decodeBase64(text)).equals(Buffer.from(d));
      }),
      { numRuns: 300 },
    );
  });

  it("takes and refuses exactly what the portable decoder does, with the same error", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=*- \n";
    const texts = fc.oneof(
      fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }).map((a) => a.join("")),
      fc.uint8Array({ maxLength: 30 }).map((d) => portableEncode(d)),
      // canonical text with one character changed: non-zero unused bits, padding moved, …
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 30 }), fc.nat(), fc.constantFrom(...alphabet)).map(([d, at, c]) => {
        const t = portableEncode(d);
        const i = at % t.length;
        return t.slice(0, i) + c + t.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(texts, (t) => outcome(() => nativeB64.decodeBase64(t)) === outcome(() => portableDecode(t))),
      { numRuns: 2000 },
    );
    expect(outcome(() => nativeB64.decodeBase64("AB=C"))).toMatch(/^E_BASE64: /);
    expect(outcome(() => nativeB64.decodeBase64("AA=="))).toBe("00");
    expect(outcome(() => nativeB64.decodeBase64("AB=="))).toMatch(/^E_BASE64: base64: non-zero unused bits/);
  });
});
