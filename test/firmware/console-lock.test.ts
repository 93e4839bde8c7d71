/**
 * The locked console (issue 11, PROTOCOL.md 5.5) in the portable program: the line matcher
 * refuses every attack line and keeps the host's lines; a provisioned device locks at boot,
 * a fresh one stays open for provisioning and locks after its window; only a good, fresh
 * maintenance token opens it, for the token's seconds.
 */
import { describe, expect, test } from "vitest";
import { parseConsoleLine } from "../../firmware/console-line";
import { LOCKED_TEXT } from "../../firmware/console";
import { TOKEN_ADD_CREDIT, TOKEN_MAINTENANCE, encodeToken } from "../../shared/protocol/token";
import { encodeFrameBody } from "../../shared/protocol/frame";
import { HOST_KEY, HOST_KEY_HEX, tokenBody } from "./fake-host";
import { reboot, rig } from "./harness";

const ATTACKS = [
  "digitalWrite(D26,1)",
  "\x10digitalWrite(D26,1)",
  "setInterval(function(){setTime(getTime()-0.95)},1000)",
  `solkit.setHostKey("${"66".repeat(32)}")`,
  "solkit.provisionKey(true, \"00\")",
  "solkit.setConfig(86400, 1)",
  "solkit.rx(\"AAAA\"+digitalWrite(D26,1))",
  "solkit.rx(\"AAAA\");digitalWrite(D26,1)",
  "solkit.rx(`AAAA`)",
  "solkit.status();digitalWrite(D26,1)",
  "solkit.cmd(\"status\"+1)",
  "solkit.cmd(\"host-key 00\")",
  "reset()",
  "E.setConsole(USB)",
  "require(\"Storage\").erase(\"sk.state\")",
  "\x03\x03load()",
  "status;load()",
];

describe("the locked console's line matcher", () => {
  test.each(ATTACKS)("refuses %j", (line) => {
    expect(parseConsoleLine(line)).toBeUndefined();
  });

  test("takes the host's lines, with spaces, CR, 0x10 and a final ;", () => {
    expect(parseConsoleLine("\x10solkit.rx(\"AQEB+/09*1a2b\")\r")).toEqual({ name: "rx", body: "AQEB+/09*1a2b" });
    expect(parseConsoleLine("solkit.rx('AQEB')")).toEqual({ name: "rx", body: "AQEB" });
    expect(parseConsoleLine(" solkit.status() ; ")).toEqual({ name: "status", body: "" });
    expect(parseConsoleLine("solkit.cmd('status')")?.name).toBe("status");
    expect(parseConsoleLine("status")?.name).toBe("status");
    expect(parseConsoleLine("\x10solkit.lock()")?.name).toBe("lock");
    expect(parseConsoleLine("solkit.flush()")?.name).toBe("flush");
  });
});

function maintenance(deviceId: Uint8Array, counter: number, seconds: number, key = HOST_KEY): string {
  return encodeFrameBody(encodeToken({ tokenKind: TOKEN_MAINTENANCE, deviceId, counter, amount: seconds, config: [] }, key));
}

describe("the device's console lock", () => {
  test("a fresh device is open; the host key leaves it open 300 s for provisioning, then it locks", () => {
    const r = rig({}, { provision: false });
    expect(r.board.consoleLocked).toBe(false);
    r.device.provisionKey(false, "3c".repeat(32));
    r.device.setHostKey(HOST_KEY_HEX);
    expect(r.board.consoleLocked).toBe(false);
    r.board.advance(299_000);
    expect(r.board.consoleLocked).toBe(false);
    r.board.advance(2_000);
    expect(r.board.consoleLocked).toBe(true);
    expect(r.device.status()).toMatch(/^console: locked/m);
  });

  test("a provisioned device locks at boot; typed attacks change nothing and say how to open it", () => {
    const r = reboot(rig());
    expect(r.board.consoleLocked).toBe(true);
    for (const line of ATTACKS) expect(r.board.type(line)).toBe(LOCKED_TEXT);
    expect(r.board.relayClosed).toBe(false);
    // The host's lines still work while locked: status, and a credit token over rx.
    expect(r.board.type("solkit.status()")).toMatch(/tokens: last counter 0\nconsole: locked/);
    expect(r.board.type(`\x10solkit.rx("${tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 600)}")`)).toBe("");
    expect(r.device.creditSeconds()).toBe(600);
    expect(r.board.type("status")).toMatch(/tokens: last counter 1/);
  });

  test("a maintenance token opens it for its seconds; forged, replayed or other-device tokens do not", () => {
    const r = reboot(rig());
    const typeRx = (body: string) => r.board.type(`\x10solkit.rx("${body}")`);
    typeRx(maintenance(r.deviceId, 1, 60, new Uint8Array(32).fill(7)));
    expect(r.board.consoleLocked).toBe(true);
    typeRx(maintenance(new Uint8Array(32).fill(9), 1, 60));
    expect(r.board.consoleLocked).toBe(true);
    typeRx(maintenance(r.deviceId, 1, 60));
    expect(r.board.consoleLocked).toBe(false);
    expect(r.board.logs.join("\n")).toMatch(/rx token 1: console open for 60 s/);
    r.board.advance(59_000);
    expect(r.board.consoleLocked).toBe(false);
    r.board.advance(2_000);
    expect(r.board.consoleLocked).toBe(true);
    typeRx(maintenance(r.deviceId, 1, 60)); // the same token again
    expect(r.board.consoleLocked).toBe(true);
    expect(r.board.logs.join("\n")).toMatch(/rx token rejected: E_REPLAY/);
    // The counter is the credit tokens' counter: a maintenance token uses one up.
    expect(r.device.receive(tokenBody(r.deviceId, 1, TOKEN_ADD_CREDIT, 60))).toBe("E_REPLAY");
  });

  test("lock() ends a window early, and a restart locks an open console", () => {
    const r = reboot(rig());
    r.device.receive(maintenance(r.deviceId, 1, 900));
    expect(r.board.consoleLocked).toBe(false);
    r.device.lock();
    expect(r.board.consoleLocked).toBe(true);
    r.device.receive(maintenance(r.deviceId, 2, 900));
    expect(r.board.consoleLocked).toBe(false);
    const again = reboot(r);
    expect(again.board.consoleLocked).toBe(true);
  });
});
