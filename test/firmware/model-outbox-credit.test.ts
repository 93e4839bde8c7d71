/**
 * Model-based tests (fast-check commands, issue 10) for the two state machines a customer's
 * money and the host's chain rest on. Random runs of operations are applied to the real
 * class and to a plain model; after every step what the device would send and charge must
 * agree with the model.
 *
 * Outbox: append / sign / ack / reboot (a new Outbox loading the same flash). The drain —
 * the unacked readings, oldest first, with their bytes and signatures — always equals the
 * model's; a full outbox happens only while every other segment holds unacked readings.
 * Credit clock: advance / set (a token) / set to its own value / hold (unlocked). It never
 * drifts more than a second from the ideal countdown, however often it is re-set.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { Outbox } from "../../firmware/outbox";
import { CreditClock } from "../../firmware/credit";
import { FakeFlash } from "./fake-hal";

const SEGMENTS = 3;
const SLOTS = 4;
const sha = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());

/** A 120-byte reading whose seq sits where the outbox reads it (offset 40, little-endian). */
function readingBytes(seq: number, salt: number): Uint8Array {
  const b = new Uint8Array(120);
  for (let i = 0; i < 120; i++) b[i] = (seq * 31 + salt * 7 + i) & 0xff;
  b[40] = seq & 0xff;
  b[41] = (seq >>> 8) & 0xff;
  b[42] = (seq >>> 16) & 0xff;
  b[43] = (seq >>> 24) & 0xff;
  return b;
}

interface Entry {
  seq: number;
  bytes: Uint8Array;
  sig: Uint8Array;
}

interface OutboxModel {
  nextSeq: number;
  unacked: Entry[];
}

interface OutboxReal {
  flash: FakeFlash;
  box: Outbox;
}

function drain(box: Outbox): Entry[] {
  const out: Entry[] = [];
  let after = box.ackedSeq;
  for (let r = box.nextAfter(after); r !== undefined; r = box.nextAfter(after)) {
    out.push({ seq: r.seq, bytes: r.bytes, sig: r.signature });
    after = r.seq;
  }
  return out;
}

function check(m: OutboxModel, r: OutboxReal): void {
  expect(r.box.depth).toBe(m.unacked.length);
  const got = drain(r.box).map((e) => [e.seq, Buffer.from(e.bytes).toString("hex"), Buffer.from(e.sig).toString("hex")]);
  expect(got).toEqual(m.unacked.map((e) => [e.seq, Buffer.from(e.bytes).toString("hex"), Buffer.from(e.sig).toString("hex")]));
}

class Append implements fc.Command<OutboxModel, OutboxReal> {
  constructor(readonly gap: number, readonly salt: number) {}
  check(): boolean {
    return true;
  }
  run(m: OutboxModel, r: OutboxReal): void {
    const seq = m.nextSeq + this.gap;
    const bytes = readingBytes(seq, this.salt);
    const res = r.box.append(bytes, seq);
    if (m.unacked.length === 0) expect(res).toBe("ok"); // nothing unacked: a segment is always free
    if (res === "full") {
      expect(m.unacked.length).toBeGreaterThanOrEqual(SEGMENTS - 1);
    } else {
      expect(res).toBe("ok");
      m.unacked.push({ seq, bytes, sig: new Uint8Array(0) });
      m.nextSeq = seq + 1;
    }
    check(m, r);
  }
  toString(): string {
    return `append(+${this.gap})`;
  }
}

class Sign implements fc.Command<OutboxModel, OutboxReal> {
  constructor(readonly pick: number) {}
  check(m: Readonly<OutboxModel>): boolean {
    return m.unacked.some((e) => e.sig.length === 0);
  }
  run(m: OutboxModel, r: OutboxReal): void {
    const open = m.unacked.filter((e) => e.sig.length === 0);
    const e = open[this.pick % open.length];
    const sig = sha(e.bytes).subarray(0, 32);
    const full = new Uint8Array(64);
    full.set(sig);
    full.set(sig, 32);
    expect(r.box.setSignature(e.seq, full)).toBe(true);
    e.sig = full;
    check(m, r);
  }
  toString(): string {
    return `sign(${this.pick})`;
  }
}

class Ack implements fc.Command<OutboxModel, OutboxReal> {
  constructor(readonly pick: number) {}
  check(m: Readonly<OutboxModel>): boolean {
    return m.unacked.length > 0;
  }
  run(m: OutboxModel, r: OutboxReal): void {
    const k = this.pick % m.unacked.length;
    const seq = m.unacked[k].seq;
    expect(r.box.ack(seq)).toBe(k + 1);
    m.unacked = m.unacked.slice(k + 1);
    expect(r.box.ack(seq)).toBe(0); // the same ack again changes nothing
    check(m, r);
  }
  toString(): string {
    return `ack(${this.pick})`;
  }
}

class Reboot implements fc.Command<OutboxModel, OutboxReal> {
  check(): boolean {
    return true;
  }
  run(m: OutboxModel, r: OutboxReal): void {
    r.box = new Outbox(r.flash, SEGMENTS, SLOTS, sha);
    r.box.load();
    check(m, r);
    if (m.unacked.length > 0) expect(r.box.tipSeq).toBe(m.unacked[m.unacked.length - 1].seq);
  }
  toString(): string {
    return "reboot";
  }
}

class Advance implements fc.Command<CreditModel, CreditReal> {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(m: CreditModel, r: CreditReal): void {
    r.now += this.ms;
    m.idealMs -= this.ms;
    checkCredit(m, r);
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

class SetCredit implements fc.Command<CreditModel, CreditReal> {
  constructor(readonly s: number) {}
  check(): boolean {
    return true;
  }
  run(m: CreditModel, r: CreditReal): void {
    r.clock.set(this.s);
    expect(r.clock.seconds()).toBe(this.s);
    m.idealMs = this.s * 1000;
    checkCredit(m, r);
  }
  toString(): string {
    return `set(${this.s})`;
  }
}

class SetToItself implements fc.Command<CreditModel, CreditReal> {
  check(): boolean {
    return true;
  }
  run(m: CreditModel, r: CreditReal): void {
    r.clock.set(r.clock.seconds()); // what a save or a zero top-up does: must not slow the clock
    checkCredit(m, r);
  }
  toString(): string {
    return "set(seconds())";
  }
}

interface CreditModel {
  idealMs: number;
}

interface CreditReal {
  now: number;
  clock: CreditClock;
}

function checkCredit(m: CreditModel, r: CreditReal): void {
  const s = r.clock.seconds();
  expect(Number.isInteger(s) && s >= 0).toBe(true);
  expect(Math.abs(s - Math.max(0, m.idealMs / 1000))).toBeLessThanOrEqual(1);
}

describe("outbox (model-based)", () => {
  it("the drain always equals the model's unacked readings, across acks, signatures, full and reboots", () => {
    const commands = [
      fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(255)).map(([g, s]) => new Append(g, s)),
      fc.nat().map((p) => new Sign(p)),
      fc.nat().map((p) => new Ack(p)),
      fc.constant(new Reboot()),
    ];
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        const flash = new FakeFlash();
        const box = new Outbox(flash, SEGMENTS, SLOTS, sha);
        box.load();
        fc.modelRun(() => ({ model: { nextSeq: 1, unacked: [] }, real: { flash, box } }), cmds);
      }),
      { numRuns: 300 },
    );
  });
});

describe("credit clock (model-based)", () => {
  it("counts down on uptime within a second of the ideal, however often it is re-set", () => {
    const commands = [
      fc.integer({ min: 1, max: 5000 }).map((ms) => new Advance(ms)),
      fc.integer({ min: 0, max: 100_000 }).map((s) => new SetCredit(s)),
      fc.constant(new SetToItself()),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.commands(commands, { maxCommands: 200 }), (start, cmds) => {
        const real: CreditReal = { now: 5_000, clock: undefined as unknown as CreditClock };
        real.clock = new CreditClock({ uptimeMs: () => real.now, wallTime: () => 0 } as never, start);
        fc.modelRun(() => ({ model: { idealMs: start * 1000 }, real }), cmds);
      }),
      { numRuns: 300 },
    );
  });

  it("hold() keeps an unlocked device's credit: never lower after any number of ticks", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(fc.integer({ min: 1, max: 999 }), { maxLength: 200 }), (start, ticks) => {
      let now = 0;
      const clock = new CreditClock({ uptimeMs: () => now } as never, start);
      for (const t of ticks) {
        now += t;
        clock.hold();
        expect(clock.seconds()).toBe(start);
      }
    }));
  });
});
