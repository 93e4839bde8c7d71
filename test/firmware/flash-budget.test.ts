/**
 * Flash writes per simulated day at the default settings (60 s interval, signEvery 10,
 * creditPersistS 300, 16 readings per outbox file, 32 records per journal file), credit
 * running and a host that acks every minute; then a day with the host away (outbox full).
 * The budget asserted here is the one stated in firmware/app.ts.
 */
import { describe, expect, test } from "vitest";
import { TOKEN_ADD_CREDIT } from "../../shared/protocol/token";
import { tokenBody } from "./fake-host";
import { rig, run } from "./harness";

const DAY_MIN = 24 * 60;

describe("flash budget", () => {
  test("a day with the host acking stays within the budget", () => {
    const r = rig();
    r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 10 * 86400));
    run(r, 10, 5); // settle in
    r.flash.resetStats();
    run(r, DAY_MIN, 5);
    const s = r.flash.stats;
    console.log(`flash per day (host acking): ${JSON.stringify(s)}`);
    expect(r.host.invalid()).toEqual([]);
    expect(s.writes).toBe(0); // no whole-file rewrites at all
    expect(s.writeAts).toBeLessThanOrEqual(2200);
    expect(s.creates).toBeLessThanOrEqual(110);
    expect(s.allocated).toBeLessThanOrEqual(300 * 1024);
    expect(s.programmed).toBeLessThanOrEqual(220 * 1024);
    expect(r.board.watchdogBites).toBe(0);
  }, 60_000);

  test("a day with the host away (outbox full, tail drops) fills the outbox, then drops, within the same budget", () => {
    const r = rig();
    r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 10 * 86400));
    r.board.linkUp = false;
    r.flash.resetStats();
    run(r, DAY_MIN + 60, 5, false);
    const s = r.flash.stats;
    console.log(`flash per day (host away): ${JSON.stringify(s)}`);
    expect(r.device.stats().dropped).toBe(60);
    expect(s.writeAts).toBeLessThanOrEqual(2200);
    expect(s.creates).toBeLessThanOrEqual(110);
    expect(s.allocated).toBeLessThanOrEqual(300 * 1024);
  }, 60_000);
});
