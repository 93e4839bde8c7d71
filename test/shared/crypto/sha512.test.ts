import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSha512, sha512 } from "../../../shared/crypto/sha512";
import { fromAscii, toHex } from "../../../shared/bytes";
import { runSha512Vectors } from "../../../shared/selftest/sha512";
import vectors from "../../../shared/test/vectors/sha512.json";

const nodeSha512 = (b: Uint8Array): string => createHash("sha512").update(b).digest("hex");
const BOUNDARIES = [0, 1, 55, 56, 63, 64, 111, 112, 113, 119, 120, 127, 128, 129, 239, 240, 255, 256];

describe("sha512", () => {
  it("passes every golden vector through the portable runner", () => {
    const results = runSha512Vectors(vectors.cases);
    expect(results.length).toBe(vectors.cases.length);
    for (const r of results) expect(r, r.name).toEqual({ name: r.name, ok: true, detail: "" });
  });

  it("FIPS 180-4 'abc' (independent of the vector file)", () => {
    expect(toHex(sha512(fromAscii("abc")))).toBe(
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    );
  });

  it("one million 'a' (FIPS 180-4 example, Node only)", () => {
    const h = createSha512();
    const chunk = fromAscii("a".repeat(1000));
    for (let i = 0; i < 1000; i++) h.update(chunk);
    expect(toHex(h.digest())).toBe(
      "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
    );
  });

  it("equals node:crypto at every block-boundary length", () => {
    for (const n of BOUNDARIES) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
      expect(toHex(sha512(b)), `length ${n}`).toBe(nodeSha512(b));
    }
  });

  it("equals node:crypto for random inputs of 0..300 bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (b) => toHex(sha512(b)) === nodeSha512(b)),
      { numRuns: 500 },
    );
  });

  it("carries correctly with all-0xff words (every 64-bit add overflows)", () => {
    for (const n of [128, 256, 300]) {
      const b = new Uint8Array(n).fill(0xff);
      expect(toHex(sha512(b)), `length ${n}`).toBe(nodeSha512(b));
    }
  });

  it("incremental form gives the same digest for any split into pieces", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), fc.array(fc.nat(400), { maxLength: 6 }), (b, cuts) => {
        const points = cuts.map((c) => c % (b.length + 1)).sort((x, y) => x - y);
        const h = createSha512();
        let at = 0;
        for (const p of points) {
          h.update(b.subarray(at, p));
          at = p;
        }
        h.update(b.subarray(at));
        return toHex(h.digest()) === nodeSha512(b);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses use after digest", () => {
    const h = createSha512();
    h.digest();
    expect(() => h.update(new Uint8Array(1))).toThrow(expect.objectContaining({ code: "E_STATE" }));
    expect(() => h.digest()).toThrow(expect.objectContaining({ code: "E_STATE" }));
  });
});
