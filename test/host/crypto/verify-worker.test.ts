/**
 * The verify thread: its verdicts are node:crypto's for good, bad and malformed signatures;
 * the pipeline's verifier takes a verdict only for exactly the same bytes (anything else is
 * verified at once, so a verdict can never vouch for other bytes); a worker that is gone
 * makes checks fail, which the pipeline answers by verifying on its own loop.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createPrivateKey, randomBytes, sign } from "node:crypto";
import { PrecheckedVerifier, VerifyWorker } from "../../../host/crypto/verify-worker";
import { nodeVerifier } from "../../../host/crypto/node-verifier";
import { publicKeyFromSeed } from "../../../shared/crypto/ed25519";

const PKCS8 = Buffer.from("302e020100300506032b657004220420", "hex");

function signed(n: number) {
  const seed = randomBytes(32);
  const publicKey = publicKeyFromSeed(new Uint8Array(seed));
  const key = createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: "der", type: "pkcs8" });
  return Array.from({ length: n }, (_, i) => {
    const message = new Uint8Array(randomBytes(130 + (i % 3)));
    return { message, signature: new Uint8Array(sign(null, message, key)), publicKey };
  });
}

let worker: VerifyWorker | undefined;
afterEach(async () => worker?.close());

describe("verify worker", () => {
  it("gives node:crypto's verdicts: good ones, a changed message, a changed signature, a key OpenSSL refuses", async () => {
    worker = new VerifyWorker();
    const items = signed(40);
    items[3] = { ...items[3], message: Uint8Array.from(items[3].message, (b, i) => (i === 5 ? b ^ 1 : b)) };
    items[7] = { ...items[7], signature: Uint8Array.from(items[7].signature, (b, i) => (i === 40 ? b ^ 1 : b)) };
    items[9] = { ...items[9], publicKey: new Uint8Array(32).fill(0xff) };
    const ok = await worker.check(items);
    expect(Array.from(ok)).toEqual(items.map((it) => (nodeVerifier.verify(it.message, it.signature, it.publicKey) ? 1 : 0)));
    expect(ok[3] + ok[7] + ok[9]).toBe(0);
    expect(ok.reduce((a, b) => a + b, 0)).toBe(37);
  });

  it("a verdict counts only for the very bytes it was given", async () => {
    worker = new VerifyWorker();
    const items = signed(2);
    const v = new PrecheckedVerifier(nodeVerifier);
    v.remember(items, await worker.check(items));
    expect(v.verify(items[0].message, items[0].signature, items[0].publicKey)).toBe(true);
    expect(v.stats).toEqual({ hits: 1, misses: 0 });
    // Same signature, other message or key: verified afresh (and refused), never taken from the verdict.
    expect(v.verify(items[1].message, items[0].signature, items[0].publicKey)).toBe(false);
    expect(v.verify(items[0].message, items[0].signature, signed(1)[0].publicKey)).toBe(false);
    expect(v.stats).toEqual({ hits: 1, misses: 2 });
    v.forget();
    expect(v.verify(items[1].message, items[1].signature, items[1].publicKey)).toBe(true);
    expect(v.stats.misses).toBe(3);
  });

  it("a worker that is gone rejects checks (the pipeline then verifies on its loop)", async () => {
    worker = new VerifyWorker();
    await worker.close();
    await expect(worker.check(signed(1))).rejects.toThrow();
  });
});
