/**
 * A power cut at EVERY byte the device programs during a scenario (provisioning, a token,
 * readings, signatures, acks, journal and outbox rollovers, seq reservations, a second
 * token): after the reboot, counters never go backwards, acked readings are never re-sent,
 * credit never grows, a replayed token never applies twice, and the chain the host sees
 * stays valid (PROTOCOL.md 2.2, 4.2; DESIGN.md step 4).
 */
import { describe, expect, test } from "vitest";
import { startDevice, type Device } from "../../firmware/app";
import { decodePublicKey } from "../../shared/crypto/strkey";
import { TOKEN_ADD_CREDIT } from "../../shared/protocol/token";
import { FakeBoard, FakeFlash } from "./fake-hal";
import { ackBody, FakeHost, HOST_KEY_HEX, readingsOf, tokenBody } from "./fake-host";

const CONFIG = { journalSlots: 3, segmentSlots: 3, outboxCapacity: 6, creditPersistS: 60, seqBlock: 4 };

/** Credit left, from the device's numeric accessor (never unlocked for good in this scenario). */
function creditOf(d: Device): number {
  const s = d.creditSeconds();
  expect(s).toBeGreaterThanOrEqual(0);
  return s;
}

interface Outcome {
  cut: boolean;
  programmed: number;
}

/** Runs the scenario with a cut after `cutAt` programmed bytes, reboots and checks everything. */
function scenario(cutAt: number): Outcome {
  const flash = new FakeFlash();
  flash.armCut(cutAt);
  const board = new FakeBoard(flash);
  const host = new FakeHost();
  let device: Device | undefined;
  let deviceId: Uint8Array = new Uint8Array(32);
  let acked = -1;
  let ackedDone = -1;
  let creditAtCut = -1;
  const tokens: { body: string; amount: number; applied: boolean }[] = [];
  let nextSeqAtCut = 0;
  flash.onCut = () => {
    creditAtCut = device ? creditOf(device) : 0;
    nextSeqAtCut = device ? Number(/next seq (\d+)/.exec(device.status())![1]) : 0;
  };
  const alive = () => !flash.dead;
  const minute = (pulses: number) => {
    board.pulses += pulses;
    board.advance(60_000);
    if (!alive()) return;
    host.take(board.sent);
    if (host.authenticated > acked) {
      acked = host.authenticated;
      device!.receive(ackBody(deviceId, acked));
      if (alive()) ackedDone = acked;
      board.settle();
      host.take(board.sent);
    }
  };
  const token = (counter: number, amount: number) => {
    const body = tokenBody(deviceId, counter, TOKEN_ADD_CREDIT, amount);
    const res = device!.receive(body);
    tokens.push({ body, amount, applied: alive() && res === "ok" });
  };
  const steps: (() => void)[] = [
    () => { device = startDevice(board.hal, CONFIG); },
    () => { deviceId = decodePublicKey(device!.provisionKey(false, "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c")); },
    () => { device!.setHostKey(HOST_KEY_HEX); },
    () => { device!.setConfig(60, 2); },
    () => token(1, 600),
    ...Array.from({ length: 5 }, () => () => minute(10)),
    () => token(2, 120),
    ...Array.from({ length: 3 }, () => () => minute(10)),
  ];
  for (const step of steps) {
    try {
      step();
    } catch (e) {
      if (alive()) throw e; // a failure with the power on is a bug; with it off, the save failed
    }
    if (!alive()) break;
  }
  const programmed = flash.stats.programmed;
  expect(flash.stats.refused).toBe(0); // never a write over programmed bytes
  if (alive()) return { cut: false, programmed };
  if (device === undefined) return { cut: true, programmed };

  // Reboot: same flash, new RAM and uptime.
  const before = readingsOf(board.sent);
  const maxSeq = before.reduce((m, r) => Math.max(m, r.reading.seq), -1);
  const maxBoot = before.reduce((m, r) => Math.max(m, r.reading.boot), 0);
  device.stop();
  const board2 = new FakeBoard(flash);
  host.consumed = 0; // the new board's line log starts empty
  const d2 = startDevice(board2.hal, CONFIG);
  expect(board2.relayLog[0]).toEqual({ at: 0, closed: false }); // fail closed before anything
  const status = d2.status();
  const newBoot = Number(/boot (\d+)/.exec(status)![1]);
  expect(newBoot).toBeGreaterThan(maxBoot);
  if (/UNPROVISIONED/.test(status)) {
    // The cut hit provisioning: nothing was sent, nothing to protect yet.
    expect(before.length).toBe(0);
    expect(board2.relayClosed).toBe(false);
    return { cut: true, programmed };
  }
  // Credit never grows across the cut.
  const restored = creditOf(d2);
  expect(restored).toBeLessThanOrEqual(Math.max(creditAtCut, 0));
  // A replayed token applies at most once: if it applied before the cut, it is refused now.
  for (const t of tokens) {
    const res = d2.receive(t.body);
    if (t.applied) expect(res).toBe("E_REPLAY");
  }
  const owed = tokens.filter((t) => !t.applied).reduce((s, t) => s + t.amount, 0);
  expect(creditOf(d2)).toBeLessThanOrEqual(Math.max(creditAtCut, 0) + owed);

  // Twelve more minutes with the host acking (signEvery may be back at its default of 10).
  for (let i = 0; i < 12; i++) {
    board2.pulses += 10;
    board2.advance(60_000);
    host.take(board2.sent);
    if (host.authenticated > acked) {
      acked = host.authenticated;
      expect(d2.receive(ackBody(deviceId, acked))).toBe("ok");
      board2.settle();
      host.take(board2.sent);
    }
  }
  const after = readingsOf(board2.sent);
  for (const r of after) {
    // Acked readings are never re-sent; a reading made after the reboot has a seq the old
    // boot never used and the new boot number; one stored before the cut keeps its old boot.
    expect(r.reading.seq).toBeGreaterThan(ackedDone);
    expect(r.reading.boot).toBe(r.reading.seq >= nextSeqAtCut ? newBoot : r.reading.boot < newBoot ? r.reading.boot : -1);
  }
  expect(host.mismatches).toBe(0); // a re-sent seq carries the very same bytes
  expect(host.invalid()).toEqual([]);
  expect(after.length).toBeGreaterThan(0);
  expect(host.authenticated).toBeGreaterThan(maxSeq);
  return { cut: true, programmed };
}

describe("power cut at every programmed byte", () => {
  test("the scenario without a cut programs a known number of bytes", () => {
    const o = scenario(Infinity);
    expect(o.cut).toBe(false);
    expect(o.programmed).toBeGreaterThan(1000);
  });

  test("every cut point keeps the invariants", () => {
    const total = scenario(Infinity).programmed;
    let cuts = 0;
    for (let n = 0; n < total; n++) {
      let o: Outcome;
      try {
        o = scenario(n);
      } catch (e) {
        throw new Error(`cut at byte ${n} of ${total}: ${(e as Error).message}`);
      }
      expect(o.cut, `cut at byte ${n}`).toBe(true);
      cuts++;
    }
    expect(cuts).toBe(total);
  }, 600_000);
});
