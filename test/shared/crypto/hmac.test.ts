import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hmacSha256 } from "../../../shared/crypto/hmac";
import { toHex } from "../../../shared/bytes";
import { runHmacSha256Vectors } from "../../../shared/selftest/hmac-sha256";
import vectors from "../../../shared/test/vectors/hmac-sha256.json";

const nodeHmac = (k: Uint8Array, d: Uint8Array): string => createHmac("sha256", k).update(d).digest("hex");

describe("hmacSha256", () => {
  it("passes RFC 4231 cases 1-7 through the portable runner", () => {
    const results = runHmacSha256Vectors(vectors.cases);
    expect(results.length).toBe(vectors.cases.length);
    expect(vectors.cases.filter((c) => c.name.startsWith("RFC 4231")).length).toBe(7);
    for (const r of results) expect(r, r.name).toEqual({ name: r.name, ok: true, detail: "" });
  });

  it("equals node:crypto for random keys (0..200 bytes) and data (0..300 bytes, boundaries included)", () => {
    const len = fc.oneof(fc.constantFrom(0, 55, 56, 63, 64, 65, 111, 112, 127, 128), fc.integer({ min: 0, max: 300 }));
    const bytesOf = (max: number) => len.chain((n) => fc.uint8Array({ minLength: Math.min(n, max), maxLength: Math.min(n, max) }));
    fc.assert(
      fc.property(bytesOf(200), bytesOf(300), (k, d) => toHex(hmacSha256(k, d)) === nodeHmac(k, d)),
      { numRuns: 400 },
    );
  });

  it("uses the hash it is given (a device's native SHA-256)", () => {
    let calls = 0;
    const native = (b: Uint8Array): Uint8Array => {
      calls++;
      return new Uint8Array(createHash("sha256").update(b).digest());
    };
    const key = new Uint8Array(100).fill(7); // over one block: hashed first
    const data = new Uint8Array(10).fill(1);
    expect(toHex(hmacSha256(key, data, native))).toBe(nodeHmac(key, data));
    expect(calls).toBe(3);
  });
});
