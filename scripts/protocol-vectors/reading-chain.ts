/** Reading and chain vector cases (PROTOCOL.md sections 2 and 7), from the reference encoders. */
import nacl from "tweetnacl";
import { RefKeys, RefReading, deviceKeys, hex, refReading, refSign, sha256Hex, unhex } from "./reference";

const ZERO = "00".repeat(32);
export const devA = deviceKeys("device A");
export const devB = deviceKeys("device B");

function fields(over: Partial<RefReading>, keys: RefKeys, prev: string): RefReading {
  return {
    flags: 0, timeQuality: 1, relay: 1, outbox: 0, deviceId: hex(keys.publicKey), seq: 0, dropped: 0,
    time: 1767225600, uptime: 60, boot: 1, interval: 60, energyIn: 0, energyOut: 0,
    power: 0, credit: 86400, prev: prev, ...over,
  };
}

export interface Made { name: string; fields: RefReading; bytes: string; hash: string; signature: string }

function make(name: string, over: Partial<RefReading>, keys: RefKeys, prev: string, signed: boolean): Made {
  const f = fields(over, keys, prev);
  const b = refReading(f);
  return { name, fields: f, bytes: hex(b), hash: sha256Hex(b), signature: signed ? hex(refSign(b, keys.secretKey)) : "" };
}

// Device A's chain: r0 (first, unsigned) r1 (signed) r2 (unsigned) r3 (3 readings dropped, signed).
const r0 = make("first reading of a device (prev zero, clock unknown)", { flags: 0x0008, timeQuality: 0, time: 0, relay: 0, credit: 0 }, devA, ZERO, false);
const r1 = make("second reading, signed", { seq: 1, uptime: 120, energyIn: 12345, power: 740700 }, devA, r0.hash, true);
const r2 = make("exporting (negative power), 2 readings waiting in the outbox", { seq: 2, outbox: 2, uptime: 180, energyIn: 25000, energyOut: 150, power: -9000, credit: 86280 }, devA, r1.hash, false);
const r3 = make("after 3 dropped readings, tamper, NTP time, signed", {
  seq: 6, dropped: 3, flags: 0x0003, timeQuality: 2, uptime: 420, time: 1767226020,
  energyIn: 61000, energyOut: 150, power: 540000, credit: 85860,
}, devA, r2.hash, true);
const maxed = make("every field at its maximum", {
  flags: 0x001f, timeQuality: 2, relay: 1, outbox: 65535, seq: 4294967295, dropped: 4294967295, time: 4294967295,
  uptime: 4294967295, boot: 4294967295, interval: 4294967295, energyIn: 9007199254740991,
  energyOut: 9007199254740991, power: -2147483648, credit: 4294967295,
}, devA, "ab".repeat(32), true);
const positiveMax = make("power at i32 maximum", { seq: 7, power: 2147483647 }, devB, ZERO, true);
export const chainA = [r0, r1, r2, r3];

/** A copy of `b` (hex) with `edit` applied. */
function edited(b: string, edit: (x: Buffer) => void): string {
  const x = unhex(b);
  edit(x);
  return hex(x);
}

export function readingCases(): object[] {
  const good = [r0, r1, r2, r3, maxed, positiveMax];
  const bad = [
    { name: "empty", bytes: "", error: "E_LENGTH" },
    { name: "one byte short", bytes: r1.bytes.slice(0, -2), error: "E_LENGTH" },
    { name: "one byte too many", bytes: r1.bytes + "00", error: "E_LENGTH" },
    { name: "with signature appended (a frame, not a reading)", bytes: r1.bytes + r1.signature, error: "E_LENGTH" },
    { name: "kind byte of an ack", bytes: edited(r1.bytes, (x) => (x[0] = 2)), error: "E_KIND" },
    { name: "version 2", bytes: edited(r1.bytes, (x) => (x[1] = 2)), error: "E_VERSION" },
    { name: "version 0", bytes: edited(r1.bytes, (x) => (x[1] = 0)), error: "E_VERSION" },
    { name: "unknown flag bit 5", bytes: edited(r1.bytes, (x) => (x[2] |= 0x20)), error: "E_FIELD" },
    { name: "unknown flag bit 15", bytes: edited(r1.bytes, (x) => (x[3] |= 0x80)), error: "E_FIELD" },
    { name: "timeQuality 3", bytes: edited(r1.bytes, (x) => (x[4] = 3)), error: "E_FIELD" },
    { name: "relay 2", bytes: edited(r1.bytes, (x) => (x[5] = 2)), error: "E_FIELD" },
    { name: "energyIn = 2^53", bytes: edited(r1.bytes, (x) => x.writeBigUInt64LE(2n ** 53n, 64)), error: "E_RANGE" },
    { name: "energyOut = 2^64-1", bytes: edited(r1.bytes, (x) => x.writeBigUInt64LE(2n ** 64n - 1n, 72)), error: "E_RANGE" },
  ];
  return [
    ...good.map((m) => ({ name: m.name, fields: m.fields, bytes: m.bytes, hash: m.hash, signature: m.signature })),
    ...bad,
  ];
}

interface Item { reading: string; signature: string; sigValid: boolean }
function item(m: Made | { bytes: string; signature: string }, sig?: string, keys: RefKeys = devA): Item {
  const s = sig === undefined ? m.signature : sig;
  const input = Buffer.concat([Buffer.from("solkit/v1/reading\0", "ascii"), unhex(m.bytes)]);
  const valid = s.length === 128 && nacl.sign.detached.verify(input, unhex(s), keys.publicKey);
  return { reading: m.bytes, signature: s, sigValid: valid };
}
const auth = (seq: number, by: number) => ({ status: "authenticated", seq, by, reason: "" });
const pend = (seq: number) => ({ status: "pending", seq, by: -1, reason: "" });
const rej = (seq: number, reason: string) => ({ status: "rejected", seq, by: -1, reason });

export function chainCases(): object[] {
  const fresh = { publicKey: hex(devA.publicKey), lastSeq: -1, lastHash: ZERO };
  const after1 = { publicKey: hex(devA.publicKey), lastSeq: 1, lastHash: r1.hash };
  const skip = make("seq jumps by 2 with dropped 0", { seq: 4, uptime: 180 }, devA, r1.hash, true);
  const broken = make("prev does not match", { seq: 2, uptime: 180 }, devA, r0.hash, true);
  const flipped = edited(r1.signature, (x) => (x[10] ^= 0x01));
  const foreign = make("device B's first reading", {}, devB, ZERO, true);
  return [
    { name: "fresh device: two signatures authenticate four readings", ...fresh, items: chainA.map((m) => item(m)),
      expect: [auth(0, 1), auth(1, 1), auth(2, 6), auth(6, 6)], finalSeq: 6, finalHash: r3.hash, pending: 0 },
    { name: "reading after the last signature stays pending", ...fresh, items: [r0, r1, r2].map((m) => item(m)),
      expect: [auth(0, 1), auth(1, 1), pend(2)], finalSeq: 1, finalHash: r1.hash, pending: 1 },
    { name: "unsigned only: all pending", ...fresh, items: [item(r0)],
      expect: [pend(0)], finalSeq: -1, finalHash: ZERO, pending: 1 },
    { name: "resume from stored state", ...after1, items: [item(r2), item(r3)],
      expect: [auth(2, 6), auth(6, 6)], finalSeq: 6, finalHash: r3.hash, pending: 0 },
    { name: "replay of an accepted reading", ...after1, items: [item(r1), item(r0), item(r2), item(r3)],
      expect: [rej(1, "E_REPLAY"), rej(0, "E_REPLAY"), auth(2, 6), auth(6, 6)], finalSeq: 6, finalHash: r3.hash, pending: 0 },
    { name: "declared drops do not explain the jump (gap)", ...after1, items: [item(r3)],
      expect: [rej(6, "E_GAP")], finalSeq: 1, finalHash: r1.hash, pending: 0 },
    { name: "undeclared jump (gap)", ...after1, items: [item(skip)],
      expect: [rej(4, "E_GAP")], finalSeq: 1, finalHash: r1.hash, pending: 0 },
    { name: "prev mismatch (broken chain), then the genuine reading", ...after1, items: [item(broken), item(r2), item(r3)],
      expect: [rej(2, "E_CHAIN_BROKEN"), auth(2, 6), auth(6, 6)], finalSeq: 6, finalHash: r3.hash, pending: 0 },
    { name: "flipped signature bit", ...fresh, items: [item(r0), item(r1, flipped)],
      expect: [pend(0), rej(1, "E_BAD_SIGNATURE")], finalSeq: -1, finalHash: ZERO, pending: 1 },
    { name: "signature by another key", ...fresh, items: [item(r0), item(r1, hex(refSign(unhex(r1.bytes), devB.secretKey)))],
      expect: [pend(0), rej(1, "E_BAD_SIGNATURE")], finalSeq: -1, finalHash: ZERO, pending: 1 },
    { name: "signature of the wrong length", ...fresh, items: [item(r0), item(r1, r1.signature.slice(0, 126))],
      expect: [pend(0), rej(1, "E_BAD_SIGNATURE")], finalSeq: -1, finalHash: ZERO, pending: 1 },
    { name: "another device's reading", ...fresh, items: [item(foreign, undefined, devB)],
      expect: [rej(0, "E_WRONG_DEVICE")], finalSeq: -1, finalHash: ZERO, pending: 0 },
    { name: "truncated reading", ...fresh, items: [{ reading: r0.bytes.slice(0, 200), signature: "", sigValid: false }, item(r0)],
      expect: [rej(-1, "E_LENGTH"), pend(0)], finalSeq: -1, finalHash: ZERO, pending: 1 },
    { name: "tampered byte in a pending reading breaks the next link", ...fresh,
      items: [item({ bytes: edited(r0.bytes, (x) => (x[70] ^= 4)), signature: "" }), item(r1)],
      expect: [pend(0), rej(1, "E_CHAIN_BROKEN")], finalSeq: -1, finalHash: ZERO, pending: 1 },
  ];
}
