/**
 * Replacing the host key (issue 11): `solkit.setHostKey(...)` typed on the console by whoever
 * holds the cable used to replace the key, after which tokens made with it were accepted. Now
 * a device with a key takes a new one only with the old key's MAC over it.
 */
import { describe, expect, test } from "vitest";
import { TOKEN_ADD_CREDIT } from "../../shared/protocol/token";
import { hostKeyChangeMac } from "../../shared/protocol/host-key";
import { HOST_KEY, tokenBody } from "./fake-host";
import { rig } from "./harness";
import { runCommand } from "../../firmware/console";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const MINE = new Uint8Array(32).fill(0x66);

describe("host key replacement", () => {
  test("a key of the customer's own is refused, and tokens made with it stay worthless", () => {
    const r = rig();
    expect(() => r.device.setHostKey(hex(MINE))).toThrow(expect.objectContaining({ code: "E_PROVISIONED" }));
    expect(() => r.device.setHostKey(hex(MINE), "00".repeat(16))).toThrow(expect.objectContaining({ code: "E_PROVISIONED" }));
    // A MAC made with the new key itself proves nothing either.
    expect(() => r.device.setHostKey(hex(MINE), hex(hostKeyChangeMac(MINE, MINE)))).toThrow(expect.objectContaining({ code: "E_PROVISIONED" }));
    expect(r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 3600, [], MINE))).toMatch(/E_BAD_MAC/);
    expect(r.device.creditSeconds()).toBe(0);
    expect(r.board.relayClosed).toBe(false);
    // The host's own key still works.
    expect(r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 60))).toBe("ok");
    expect(r.device.creditSeconds()).toBe(60);
  });

  test("with the old key's MAC the host replaces it: old tokens refused, new ones taken", () => {
    const r = rig();
    expect(r.device.setHostKey(hex(MINE), hex(hostKeyChangeMac(HOST_KEY, MINE)))).toBe("ok");
    expect(r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 60))).toMatch(/E_BAD_MAC/);
    expect(r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 60, [], MINE))).toBe("ok");
    expect(r.device.creditSeconds()).toBe(60);
  });

  test("the console command takes the MAC as its third word", () => {
    const r = rig();
    expect(runCommand(r.device, `host-key ${hex(MINE)}`)).toMatch(/^error E_PROVISIONED: a host key is set/);
    expect(runCommand(r.device, `host-key ${hex(MINE)} ${hex(hostKeyChangeMac(HOST_KEY, MINE))}`)).toBe("ok");
  });
});
