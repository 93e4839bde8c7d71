import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../shared/bytes";
import { publicKeyFromSeed, signNow } from "../../../../shared/crypto/ed25519";
import { runEd25519Vectors } from "../../../../shared/selftest/ed25519";
import vectors from "../../../../shared/test/vectors/ed25519.json";

const hex = (s: string): Uint8Array => fromHex(s) as Uint8Array;
const good = vectors.cases.filter((c: any) => c.error === undefined);

describe("ed25519 golden vectors (RFC 8032 §7.1)", () => {
  it("passes every case through the portable runner", () => {
    const results = runEd25519Vectors(vectors.cases);
    expect(results.length).toBe(vectors.cases.length);
    for (const r of results) expect(r, r.name).toEqual({ name: r.name, ok: true, detail: "" });
  });

  it("holds the five RFC cases and one rejection", () => {
    expect(good.map((c: any) => c.name)).toEqual([
      "rfc8032-7.1-test-1",
      "rfc8032-7.1-test-2",
      "rfc8032-7.1-test-3",
      "rfc8032-7.1-test-1024",
      "rfc8032-7.1-test-sha-abc",
    ]);
    expect(hex(good[3].message).length).toBe(1023);
  });

  it.each(good.map((c: any) => [c.name, c]))("%s agrees with tweetnacl", (_name, c: any) => {
    const seed = hex(c.seed);
    const kp = nacl.sign.keyPair.fromSeed(seed);
    expect(toHex(kp.publicKey)).toBe(c.publicKey);
    expect(toHex(nacl.sign.detached(hex(c.message), kp.secretKey))).toBe(c.signature);
    expect(nacl.sign.detached.verify(hex(c.message), hex(c.signature), hex(c.publicKey))).toBe(true);
    // and our one-shot API with the default (portable) SHA-512
    expect(toHex(publicKeyFromSeed(seed))).toBe(c.publicKey);
    expect(toHex(signNow(seed, hex(c.message)))).toBe(c.signature);
  });

  it("a runner reports a wrong expectation instead of throwing", () => {
    const bad = { ...good[0], signature: good[1].signature };
    const [r] = runEd25519Vectors([bad]);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^signature /);
    const [r2] = runEd25519Vectors([{ ...good[0], error: "E_LENGTH" }]);
    expect(r2.ok).toBe(false);
  });
});
