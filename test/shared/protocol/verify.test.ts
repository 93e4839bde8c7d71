import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeReading, readingHash, readingSigningInput } from "../../../shared/protocol/reading";
import { encodeAck, verifyAck } from "../../../shared/protocol/ack";
import { encodeToken, verifyToken } from "../../../shared/protocol/token";
import { AUTHENTICATED, freshChainState, verifyChain } from "../../../shared/protocol/chain";
import type { ChainItem } from "../../../shared/protocol/chain";
import { bytesN, readingArb, tokenArb } from "./arbitraries";
import { naclSigner, naclVerifier } from "./helpers";

const signer = naclSigner(new Uint8Array(32).fill(7));
const flip = (b: Uint8Array, bit: number): Uint8Array => {
  const c = new Uint8Array(b);
  c[bit >>> 3] ^= 1 << (bit & 7);
  return c;
};

/** A chain of `n` readings of `signer`'s device, signed where `signed[i]`. */
function makeChain(n: number, signed: (i: number) => boolean): ChainItem[] {
  const items: ChainItem[] = [];
  let prev: Uint8Array = new Uint8Array(32);
  for (let i = 0; i < n; i++) {
    const bytes = encodeReading({
      flags: 0, timeQuality: 1, relay: 1, outbox: 0, deviceId: signer.publicKey, seq: i, dropped: 0, time: 1767225600 + 60 * i,
      uptime: 60 * i, boot: 1, interval: 60, energyIn: 1000 * i, energyOut: 0, power: 60000, credit: 1000, prev,
    });
    items.push({ reading: bytes, signature: signed(i) ? signer.sign(readingSigningInput(bytes)) : new Uint8Array(0) });
    prev = readingHash(bytes);
  }
  return items;
}

describe("a flipped bit makes verification fail", () => {
  it("signed reading: any bit of reading or signature", () => {
    const [item] = makeChain(1, () => true);
    expect(verifyChain([item], freshChainState(), signer.publicKey, naclVerifier).verdicts[0].status).toBe(AUTHENTICATED);
    fc.assert(fc.property(fc.integer({ min: 0, max: (120 + 64) * 8 - 1 }), (bit) => {
      const both = flip(new Uint8Array([...item.reading, ...item.signature]), bit);
      const mutated = { reading: both.subarray(0, 120), signature: both.subarray(120) };
      const r = verifyChain([mutated], freshChainState(), signer.publicKey, naclVerifier);
      expect(r.verdicts[0].status).not.toBe(AUTHENTICATED);
    }), { numRuns: 300 });
  });

  it("chain: a bit anywhere in an unsigned reading leaves the batch not fully authenticated", () => {
    const items = makeChain(5, (i) => i === 4);
    expect(verifyChain(items, freshChainState(), signer.publicKey, naclVerifier).verdicts.every((v) => v.status === AUTHENTICATED)).toBe(true);
    fc.assert(fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 120 * 8 - 1 }), (k, bit) => {
      const mutated = items.map((it, i) => (i === k ? { ...it, reading: flip(it.reading, bit) } : it));
      const r = verifyChain(mutated, freshChainState(), signer.publicKey, naclVerifier);
      expect(r.verdicts[k].status).not.toBe(AUTHENTICATED);
      expect(r.state.lastSeq).toBe(-1);
    }), { numRuns: 300 });
  });

  it("token: any bit", () => {
    fc.assert(fc.property(tokenArb, bytesN(32), fc.nat(92 * 8 - 1), (t, key, bit) => {
      const b = encodeToken(t, key);
      expect(verifyToken(b, key, t.deviceId, t.counter - 1).ok).toBe(true);
      expect(verifyToken(flip(b, bit), key, t.deviceId, t.counter - 1).ok).toBe(false);
    }), { numRuns: 500 });
  });

  it("ack: any bit", () => {
    fc.assert(fc.property(bytesN(32), bytesN(32), fc.nat(1000), fc.nat(60 * 8 - 1), (deviceId, key, seq, bit) => {
      const b = encodeAck({ deviceId, seq, hostTime: 5 }, key);
      expect(verifyAck(b, key, deviceId, seq).ok).toBe(true);
      expect(verifyAck(flip(b, bit), key, deviceId, 0xffffffff).ok).toBe(false);
    }), { numRuns: 500 });
  });
});

describe("chain verification holds readings pending", () => {
  it("feeding pending readings again with the next signed one authenticates them all", () => {
    const items = makeChain(6, (i) => i === 2 || i === 5);
    let state = freshChainState();
    let pending: ChainItem[] = [];
    const authenticatedSeqs: number[] = [];
    for (const it of items) {
      const batch = [...pending, it];
      const r = verifyChain(batch, state, signer.publicKey, naclVerifier);
      r.verdicts.forEach((v) => v.status === AUTHENTICATED && authenticatedSeqs.push(v.seq));
      pending = batch.filter((_, i) => r.verdicts[i].status === "pending");
      state = r.state;
    }
    expect(authenticatedSeqs).toEqual([0, 1, 2, 3, 4, 5]);
    expect(state.lastSeq).toBe(5);
  });

  it("any split of a valid chain into batches gives the same authenticated state", () => {
    const items = makeChain(8, (i) => i % 3 === 2 || i === 7);
    const whole = verifyChain(items, freshChainState(), signer.publicKey, naclVerifier);
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 7 })), (cuts) => {
      const at = [0, ...cuts.sort((a, b) => a - b), 8];
      let state = freshChainState();
      let pending: ChainItem[] = [];
      for (let i = 0; i + 1 < at.length; i++) {
        const batch = [...pending, ...items.slice(at[i], at[i + 1])];
        const r = verifyChain(batch, state, signer.publicKey, naclVerifier);
        pending = batch.filter((_, j) => r.verdicts[j].status === "pending");
        state = r.state;
      }
      expect(state).toEqual(whole.state);
    }), { numRuns: 50 });
  });
});
