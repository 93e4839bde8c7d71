/** The outbox: drained in order, removed only by a valid ack, bounded with counted tail drops. */
import { describe, expect, test } from "vitest";
import { FakeHost, ackBody, readingsOf } from "./fake-host";
import { hostRound, rig, run } from "./harness";

const OTHER_KEY = new Uint8Array(32).fill(9);

describe("outbox", () => {
  test("kept while the link is down, then drained oldest first, ending on a signed reading", () => {
    const r = rig({ maxBatch: 4 }, { signEvery: 3 });
    r.board.linkUp = false;
    run(r, 10, 1, false);
    expect(r.board.sent).toHaveLength(0);
    expect(r.device.status()).toContain("outbox: 10 unacked");
    r.board.linkUp = true;
    r.board.advance(1000); // the link came up: resend what is signed
    const first = readingsOf(r.board.sent);
    // A batch stops at the first signed reading once it has maxBatch lines: 0..5 (5 signed).
    expect(first.map((x) => x.reading.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(first[first.length - 1].signed).toBe(true);
    for (let i = 0; i < 3; i++) hostRound(r);
    expect(readingsOf(r.board.sent).map((x) => x.reading.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.device.status()).toContain("outbox: 1 unacked");
    expect(r.host.invalid()).toEqual([]);
  });

  test("only a valid ack removes readings; forged, foreign, too-new and noisy acks do not", () => {
    const r = rig({}, { signEvery: 2 });
    run(r, 2, 1, false);
    r.host.take(r.board.sent);
    expect(r.host.authenticated).toBe(1);
    const other = rig({}, { signEvery: 2 }); // a second device (same fake RNG → use its key bytes differently)
    const foreignId = new Uint8Array(r.deviceId).map((b, i) => (i === 0 ? b ^ 1 : b));
    expect(r.device.receive(ackBody(r.deviceId, 1, 0, OTHER_KEY))).toBe("E_BAD_MAC");
    expect(r.device.receive(ackBody(foreignId, 1))).toBe("E_WRONG_DEVICE");
    expect(r.device.receive(ackBody(r.deviceId, 5))).toBe("E_RANGE");
    const good = ackBody(r.deviceId, 1);
    const noisy = (good[0] === "A" ? "B" : "A") + good.substring(1);
    expect(r.device.receive(noisy)).toBe("E_CRC");
    expect(r.device.receive(good.substring(0, good.length - 9) + good.substring(good.length - 5))).not.toBe("ok");
    expect(r.device.status()).toContain("outbox: 2 unacked");
    expect(r.device.stats().rejected).toBe(5);
    // Not removed, so they are sent again after retryS.
    const n = r.board.sent.length;
    r.board.advance(31_000);
    expect(readingsOf(r.board.sent.slice(n)).map((x) => x.reading.seq)).toEqual([0, 1]);
    expect(r.device.receive(good)).toBe("ok");
    expect(r.device.status()).toContain("outbox: 0 unacked");
    // A replayed ack removes nothing new.
    expect(r.device.receive(good)).toBe("ok");
    expect(r.device.stats().acks).toBe(2);
    other.device.stop();
  });

  test("resends unacked readings after retryS even while fresh signed batches keep going out (issue 9, item 6)", () => {
    // A reading every 10 s, signed every 3rd: a fresh batch every 30 s, as often as retryS.
    const r = rig({ retryS: 30 }, { signEvery: 3, intervalS: 10 });
    r.board.advance(120_000); // no host yet: seqs 0.. go out once and are lost
    const seen = readingsOf(r.board.sent).length;
    expect(seen).toBeGreaterThan(5);
    r.board.sent.length = 0;
    r.board.advance(130_000); // fresh batches continue; the retry must still fire and start at seq 0
    const again = readingsOf(r.board.sent).map((x) => x.reading.seq);
    expect(again).toContain(0);
  });

  test("an ack sets the clock only when it acks something new", () => {
    const r = rig({}, { signEvery: 1 });
    run(r, 1, 0, false);
    expect(r.device.receive(ackBody(r.deviceId, 0, 1_767_225_600))).toBe("ok");
    expect(r.board.hal.clock.wallTimeS()).toBe(1_767_225_600);
    expect(r.device.receive(ackBody(r.deviceId, 0, 1_000_000_000))).toBe("ok"); // replay with an old time
    expect(r.board.hal.clock.wallTimeS()).toBe(1_767_225_600);
    r.host.take(r.board.sent);
    run(r, 1);
    const rs = readingsOf(r.board.sent);
    const last = rs[rs.length - 1].reading;
    expect(last.timeQuality).toBe(1);
    expect(last.time).toBe(1_767_225_660);
    expect(last.flags & 0x10).toBe(0x10); // clockStepped
  });

  test("a full outbox drops the new reading and the next stored one counts it", () => {
    const r = rig({ outboxCapacity: 8, segmentSlots: 4 }, { signEvery: 2 });
    r.board.linkUp = false;
    run(r, 15, 1, false);
    expect(r.device.stats().stored).toBe(8);
    expect(r.device.stats().dropped).toBe(7);
    expect(r.board.logs.filter((l) => l.startsWith("outbox full"))).toHaveLength(7);
    r.board.linkUp = true;
    for (let i = 0; i < 4; i++) run(r, 1, 1);
    const rs = readingsOf(r.board.sent).map((x) => x.reading);
    const firstAfter = rs.find((x) => x.seq > 7)!;
    // Seq 15 too came while the outbox was still full (the ack follows the first minute back).
    expect(firstAfter.seq).toBe(16);
    expect(firstAfter.dropped).toBe(8);
    expect(firstAfter.energyIn).toBe(17_000); // energy is cumulative: nothing lost with the drops
    expect(r.host.invalid()).toEqual([]);
    expect(r.host.authenticated).toBe(rs[rs.length - 1].seq);
  });

  test("a host that verifies everything it is sent accepts the device's whole day", () => {
    const r = rig({}, {});
    const host = new FakeHost();
    for (let i = 0; i < 24 * 60; i++) {
      r.board.pulses += i % 7;
      r.board.advance(60_000);
      host.take(r.board.sent);
      if (host.authenticated > r.acked) {
        r.acked = host.authenticated;
        expect(r.device.receive(ackBody(r.deviceId, r.acked))).toBe("ok");
      }
    }
    expect(host.invalid()).toEqual([]);
    expect(host.authenticated).toBe(1439);
    expect(host.valid()).toBe(1440);
  }, 60_000);
});

describe("resync: an ack behind what was sent", () => {
  test("makes the device resend from the acked point at once, oldest first", () => {
    const r = rig({}, { signEvery: 5 });
    run(r, 10); // seq 0..9 sent, signed at 4 and 9, acked up to 9
    expect(r.acked).toBe(9);
    run(r, 10, 0, false); // the cable is out: seq 10..19 go nowhere, nothing acked
    r.board.sent.length = 0;
    // The host, seeing seq 20 ahead of its chain, acks where it stands: 9.
    r.device.receive(ackBody(r.deviceId, 9, 0));
    r.board.settle();
    const resent = readingsOf(r.board.sent).map((x) => x.reading.seq);
    expect(resent[0]).toBe(10);
    expect(resent).toEqual([...resent].sort((a, b) => a - b));
  });
});
