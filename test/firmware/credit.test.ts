/** Tokens, the credit clock, relay decisions, fail-closed boot and the unprovisioned device. */
import { describe, expect, test } from "vitest";
import { startDevice } from "../../firmware/app";
import {
  TOKEN_ADD_CREDIT, TOKEN_DISCONNECT, TOKEN_SET_CREDIT, TOKEN_UNLOCK,
} from "../../shared/protocol/token";
import { encodeFrameBody } from "../../shared/protocol/frame";
import { FakeBoard, FakeFlash } from "./fake-hal";
import { readingsOf, tokenBody } from "./fake-host";
import { reboot, rig, run } from "./harness";

const credit = (s: string) => Number(/credit: (\d+) s left/.exec(s)![1]);

describe("tokens", () => {
  test("add credit closes the relay; the clock counts down and opens it at zero", () => {
    const r = rig();
    expect(r.board.relayClosed).toBe(false);
    expect(r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 90))).toBe("ok");
    expect(r.board.relayClosed).toBe(true);
    r.board.advance(60_000);
    expect(credit(r.device.status())).toBe(30);
    expect(r.board.relayClosed).toBe(true);
    r.board.advance(30_000);
    expect(credit(r.device.status())).toBe(0);
    expect(r.board.relayClosed).toBe(false);
    expect(r.board.relayLog.map((x) => x.closed)).toEqual([false, true, false]);
  });

  test("every rejection leaves credit alone", () => {
    const r = rig();
    const ok = tokenBody(r.deviceId, 5, TOKEN_ADD_CREDIT, 100);
    expect(r.device.receive(ok)).toBe("ok");
    const other = new Uint8Array(r.deviceId).map((b, i) => (i === 31 ? b ^ 0x80 : b));
    const badKey = new Uint8Array(32).fill(1);
    const cases: [string, string][] = [
      [tokenBody(r.deviceId, 6, TOKEN_ADD_CREDIT, 100, [], badKey), "E_BAD_MAC"],
      [ok, "E_REPLAY"],
      [tokenBody(r.deviceId, 4, TOKEN_ADD_CREDIT, 100), "E_REPLAY"],
      [tokenBody(other, 7, TOKEN_ADD_CREDIT, 100), "E_WRONG_DEVICE"],
      [ok.substring(0, 40) + ok.substring(ok.indexOf("*")), "E_CRC"],
      [encodeFrameBody(Buffer.from(ok.substring(0, ok.indexOf("*")), "base64").subarray(0, 91)), "E_LENGTH"],
      ["garbage", "E_FRAME"],
    ];
    for (const [body, reason] of cases) expect(r.device.receive(body), reason).toBe(reason);
    expect(credit(r.device.status())).toBe(100);
    expect(r.device.stats().rejected).toBe(cases.length);
    expect(r.board.logs.filter((l) => l.startsWith("rx token rejected")).length).toBeGreaterThan(3);
  });

  test("set credit, unlock and disconnect", () => {
    const r = rig({}, { signEvery: 1 });
    expect(r.device.receive(tokenBody(r.deviceId, 1, TOKEN_SET_CREDIT, 500))).toBe("ok");
    expect(credit(r.device.status())).toBe(500);
    expect(r.device.receive(tokenBody(r.deviceId, 2, TOKEN_SET_CREDIT, 0))).toBe("ok");
    expect(r.board.relayClosed).toBe(false);
    expect(r.device.receive(tokenBody(r.deviceId, 3, TOKEN_UNLOCK, 0))).toBe("ok");
    expect(r.board.relayClosed).toBe(true);
    run(r, 2);
    expect(r.board.relayClosed).toBe(true);
    expect(r.device.status()).toContain("unlocked for good");
    expect(readingsOf(r.board.sent).every((x) => (x.reading.flags & 4) === 4 && x.reading.relay === 1)).toBe(true);
    expect(r.device.receive(tokenBody(r.deviceId, 4, TOKEN_DISCONNECT, 0))).toBe("ok");
    expect(r.board.relayClosed).toBe(false);
  });

  test("credit survives a reboot, losing at most creditPersistS, never growing", () => {
    const r = rig({ creditPersistS: 300 });
    r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 3600));
    for (const elapsed of [0, 1, 299, 300, 301, 777]) {
      const x = rig({ creditPersistS: 300 });
      x.device.receive(tokenBody(x.deviceId, 1, TOKEN_ADD_CREDIT, 3600));
      x.board.advance(elapsed * 1000);
      const atCut = credit(x.device.status());
      const y = reboot(x, { creditPersistS: 300 });
      const restored = credit(y.device.status());
      expect(restored, `after ${elapsed} s`).toBeLessThanOrEqual(atCut);
      expect(restored, `after ${elapsed} s`).toBeGreaterThanOrEqual(atCut - 300);
      expect(y.board.relayClosed).toBe(true);
      // The token cannot be used again after the reboot.
      expect(y.device.receive(tokenBody(x.deviceId, 1, TOKEN_ADD_CREDIT, 3600))).toBe("E_REPLAY");
    }
  });
});

describe("boot and provisioning", () => {
  test("fail closed: relay opened first, closed only after the stored credit is read", () => {
    const r = rig();
    r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 3600));
    const y = reboot(r);
    expect(y.board.relayLog[0]).toEqual({ at: 0, closed: false });
    expect(y.board.relayLog[1]).toEqual({ at: 0, closed: true });
  });

  test("a store that cannot record the boot keeps the relay open and says so", () => {
    const r = rig();
    r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 3600));
    r.device.stop();
    const full = r.flash.clone();
    (full as { capacity: number }).capacity = 0; // nothing more can be created
    for (const name of [...full.files.keys()]) if (name.startsWith("sk.st")) full.files.get(name)!.fill(0, 0, 4 * 65); // fill every slot
    const b = new FakeBoard(full);
    const d = startDevice(b.hal, {});
    expect(b.relayClosed).toBe(false);
    expect(d.status()).toContain("STORE FAILED");
  });

  test("the key mixes host entropy with the device's own: a repeating device source still gives distinct keys, and the host alone does not choose it", () => {
    const keyOf = (deviceRandom: number, hostHex: string) => {
      const b = new FakeBoard(new FakeFlash());
      b.random = deviceRandom;
      return startDevice(b.hal, {}).provisionKey(false, hostHex);
    };
    const a = keyOf(1, "01".repeat(32));
    expect(keyOf(1, "01".repeat(32))).toBe(a); // same inputs, same key: nothing else went in
    expect(keyOf(1, "02".repeat(32))).not.toBe(a); // the device source repeats: host entropy decides
    expect(keyOf(2, "01".repeat(32))).not.toBe(a); // the host repeats: the device's bytes decide
    // A board whose file says its RNG is trusted may make a key without host entropy.
    const t = new FakeBoard(new FakeFlash());
    expect(startDevice(t.hal, { trustedRng: true }).provisionKey()).toMatch(/^G/);
  });

  test("an unprovisioned device says so, keeps its relay open and makes no readings", () => {
    const flash = new FakeFlash();
    const b = new FakeBoard(flash);
    const d = startDevice(b.hal, {});
    expect(d.status()).toContain("UNPROVISIONED");
    expect(b.logs[0]).toContain("UNPROVISIONED");
    b.advance(10 * 60_000);
    expect(b.sent).toHaveLength(0);
    expect(b.relayClosed).toBe(false);
    expect(d.receive("AAAA*0000")).not.toBe("ok");
    expect(() => d.provisionKey()).toThrow(/host entropy/); // E.hwRand alone repeats (issue 9)
    expect(() => d.provisionKey(false, "ab".repeat(31))).toThrow(/64 hex digits/);
    expect(b.commandHandler!("provision-key")).toMatch(/error E_ENTROPY/);
    const id = d.provisionKey(false, "11".repeat(32));
    expect(id).toMatch(/^G[A-Z2-7]{55}$/);
    expect(d.status()).toContain("no host key");
    expect(() => d.provisionKey(false, "11".repeat(32))).toThrow(/already provisioned/);
    expect(() => d.setHostKey("abcd")).toThrow(/64 hex digits/);
    expect(() => d.setSite("a/b")).toThrow(/character 2/);
    expect(() => d.setConfig(0, 1)).toThrow(/intervalS/);
    expect(d.setSite("lab-1")).toBe("ok");
    expect(b.commandHandler!("host-key " + "ab".repeat(32))).toBe("ok");
    expect(b.commandHandler!("provision-key " + "22".repeat(32))).toMatch(/error E_PROVISIONED/);
    expect(d.status()).not.toContain("UNPROVISIONED");
    expect(d.status()).toContain("site: lab-1");
    expect(d.status()).not.toContain("ab".repeat(32)); // keys never shown
    // The provisioning survives a reboot; a forced re-key makes a new device with an empty outbox.
    b.advance(3 * 60_000);
    d.stop();
    const b2 = new FakeBoard(flash);
    // The same device source (E.hwRand repeats at every start) with other host entropy: another key.
    const d2 = startDevice(b2.hal, {});
    expect(d2.status()).toContain(`id: ${id}`);
    const id2 = d2.provisionKey(true, "33".repeat(32));
    expect(id2).not.toBe(id);
    expect(d2.status()).toContain("outbox: 0 unacked");
  });
});
