import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSha256, sha256 } from "../../../shared/crypto/sha256";
import { fromAscii, toHex } from "../../../shared/bytes";
import { runSha256Vectors } from "../../../shared/selftest/sha256";
import vectors from "../../../shared/test/vectors/sha256.json";

const nodeSha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const BOUNDARIES = [0, 1, 55, 56, 57, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129];

describe("sha256", () => {
  it("passes every golden vector through the portable runner", () => {
    const results = runSha256Vectors(vectors.cases);
    expect(results.length).toBe(vectors.cases.length);
    for (const r of results) expect(r, r.name).toEqual({ name: r.name, ok: true, detail: "" });
  });

  it("FIPS 180-4 'abc' (independent of the vector file)", () => {
    expect(toHex(sha256(fromAscii("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("one million 'a' (FIPS 180-4 example, Node only)", () => {
    const h = createSha256();
    const chunk = fromAscii("a".repeat(1000));
    for (let i = 0; i < 1000; i++) h.update(chunk);
    expect(toHex(h.digest())).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });

  it("equals node:crypto at every block-boundary length", () => {
    for (const n of BOUNDARIES) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
      expect(toHex(sha256(b)), `length ${n}`).toBe(nodeSha256(b));
    }
  });

  it("equals node:crypto for random inputs of 0..300 bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (b) => toHex(sha256(b)) === nodeSha256(b)),
      { numRuns: 500 },
    );
  });

  it("incremental form gives the same digest for any split into pieces", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.array(fc.nat(300), { maxLength: 6 }),
        (b, cuts) => {
          const points = cuts.map((c) => c % (b.length + 1)).sort((x, y) => x - y);
          const h = createSha256();
          let at = 0;
          for (const p of points) {
            h.update(b.subarray(at, p));
            at = p;
          }
          h.update(b.subarray(at));
          return toHex(h.digest()) === nodeSha256(b);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses use after digest", () => {
    const h = createSha256();
    h.digest();
    expect(() => h.update(new Uint8Array(1))).toThrow(expect.objectContaining({ code: "E_STATE" }));
    expect(() => h.digest()).toThrow(expect.objectContaining({ code: "E_STATE" }));
  });
});
