/** Metering, the hash chain, the signing cadence and acceptance by `solkit verify`'s engine. */
import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { FLAG_FIRST_AFTER_BOOT, FLAG_PULSES_LOST, readingHash } from "../../shared/protocol/reading";
import { TOKEN_SET_CONFIG } from "../../shared/protocol/token";
import { FakeFlash } from "./fake-hal";
import { readingsOf, tokenBody } from "./fake-host";
import { hostRound, reboot, rig, run } from "./harness";

describe("metering", () => {
  test("pulses become mWh and mean power (1000 imp/kWh)", () => {
    const r = rig({}, { signEvery: 1 });
    run(r, 3, 10); // 10 Wh a minute = 600 W
    const rs = readingsOf(r.board.sent).map((x) => x.reading);
    expect(rs.map((x) => x.energyIn)).toEqual([10_000, 20_000, 30_000]);
    expect(rs.map((x) => x.power)).toEqual([600_000, 600_000, 600_000]);
    expect(rs.map((x) => x.interval)).toEqual([60, 60, 60]);
  });

  test("a 3200 imp/kWh meter loses no fraction of a mWh", () => {
    const r = rig({ meterImpPerKwh: 3200 }, { signEvery: 1 });
    run(r, 4, 1); // 312.5 mWh per pulse
    expect(readingsOf(r.board.sent).map((x) => x.reading.energyIn)).toEqual([312, 625, 937, 1250]);
  });

  test("the sensor variant integrates milliwatts, import and export apart", () => {
    const r = rig({}, { sensor: true, signEvery: 1 });
    r.board.milliwatts = 120_000;
    run(r, 1);
    r.board.milliwatts = -60_000;
    run(r, 1);
    const rs = readingsOf(r.board.sent).map((x) => x.reading);
    expect(rs[0].energyIn).toBe(2000); // 120 W for 60 s = 2 Wh
    expect(rs[0].power).toBe(120_000);
    expect(rs[1].energyIn).toBe(2000);
    expect(rs[1].energyOut).toBe(1000);
    expect(rs[1].power).toBe(-60_000);
  });

  test("energy survives a reboot, never decreases, and the first reading after it is flagged", () => {
    const r = rig({}, { signEvery: 1 });
    run(r, 3, 7);
    const before = readingsOf(r.board.sent).map((x) => x.reading);
    expect(before[0].flags & FLAG_FIRST_AFTER_BOOT).toBe(FLAG_FIRST_AFTER_BOOT);
    expect(before[1].flags).toBe(0);
    const r2 = reboot(r);
    r2.host.consumed = 0;
    run(r2, 2, 7);
    const after = readingsOf(r2.board.sent).map((x) => x.reading);
    expect(after[0].energyIn).toBe(before[2].energyIn + 7000);
    expect(after[0].flags & (FLAG_PULSES_LOST | FLAG_FIRST_AFTER_BOOT)).toBe(FLAG_PULSES_LOST | FLAG_FIRST_AFTER_BOOT);
    expect(after[0].boot).toBe(before[0].boot + 1);
    expect(after[1].flags).toBe(0);
    expect(r2.host.invalid()).toEqual([]);
  });
});

describe("chain and signatures", () => {
  test("readings chain, sign every signEvery, flush ends signed, and all verify", () => {
    const r = rig({}, { signEvery: 5 });
    run(r, 30, 3);
    const rs = readingsOf(r.board.sent);
    expect(rs.map((x) => x.reading.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(rs.filter((x) => x.signed).map((x) => x.reading.seq)).toEqual([4, 9, 14, 19, 24, 29]);
    for (let i = 1; i < rs.length; i++) {
      expect(Buffer.from(rs[i].reading.prev)).toEqual(Buffer.from(readingHash(rs[i - 1].bytes)));
      expect(rs[i].reading.dropped).toBe(0);
    }
    expect(Buffer.from(rs[0].reading.prev)).toEqual(Buffer.alloc(32));
    expect(rs[rs.length - 1].signed).toBe(true);
    expect(r.host.valid()).toBe(30);
    expect(r.host.invalid()).toEqual([]);
    expect(r.board.watchdogBites).toBe(0);
  });

  test("a signature is made in many event-loop slices, one step each", () => {
    const r = rig({ signBudget: 8 }, { signEvery: 1 });
    r.board.advance(59_999);
    r.board.runOne(); // the tick at 60 s: the reading is made, its signature is scheduled
    const progress = () => /step (\d+)\/(\d+)/.exec(r.device.status());
    expect(progress()![1]).toBe("0");
    const total = Number(progress()![2]);
    expect(total).toBeGreaterThan(20);
    for (let k = 1; k < total; k++) {
      r.board.runOne(); // one slice = one step, and the loop is free in between
      expect(Number(progress()![1])).toBe(k);
      expect(readingsOf(r.board.sent)).toHaveLength(0); // not sent before it is signed
    }
    r.board.runOne();
    expect(r.device.status()).toContain("signer: idle (1 signed");
    expect(readingsOf(r.board.sent).map((x) => x.signed)).toEqual([true]);
  });

  test("native SHA-512 from the HAL gives the same signatures", () => {
    const a = rig({}, { signEvery: 1 });
    run(a, 2, 1);
    const b = rig({}, { signEvery: 1 });
    (b.board.hal.platform as { sha512: unknown }).sha512 = (d: Uint8Array) => new Uint8Array(createHash("sha512").update(d).digest());
    run(b, 2, 1);
    expect(b.board.sent).toEqual(a.board.sent);
  });

  test("a set-config token changes interval and signEvery", () => {
    const r = rig({}, { signEvery: 1 });
    run(r, 1);
    expect(r.device.receive(tokenBody(r.deviceId, 1, TOKEN_SET_CONFIG, 0, [{ key: 1, value: 30 }, { key: 2, value: 4 }]))).toBe("ok");
    for (let i = 0; i < 8; i++) {
      r.board.advance(30_000);
      hostRound(r);
    }
    const rs = readingsOf(r.board.sent);
    expect(rs.slice(1).map((x) => x.reading.interval)).toEqual([30, 30, 30, 30, 30, 30, 30, 30]);
    expect(rs.filter((x) => x.signed).map((x) => x.reading.seq)).toEqual([0, 4, 8]);
    expect(r.host.invalid()).toEqual([]);
  });

  test("status says what a technician needs", () => {
    const r = rig({}, { signEvery: 2 });
    run(r, 2, 1);
    const s = r.device.status();
    for (const want of [`id: ${r.id}`, "credit: 0 s left", "relay: open", "energy: in 2000 mWh", "outbox: 0 unacked", "last ack: seq 1", "signer: idle"]) {
      expect(s).toContain(want);
    }
    expect(r.board.commandHandler!("status")).toBe(s);
    expect(r.board.logs).toContain("tx reading seq 1 signed");
  });

  test("the flash keeps its chain: a new flash object built from the same files continues it", () => {
    const r = rig({}, { signEvery: 2 });
    run(r, 4, 1);
    const r2 = reboot({ ...r, flash: r.flash.clone() as FakeFlash });
    r2.host.consumed = 0;
    run(r2, 4, 1);
    expect(r2.host.invalid()).toEqual([]);
    expect(r2.host.authenticated).toBeGreaterThan(3);
  });
});
