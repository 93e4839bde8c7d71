/**
 * The simulated NodeMCU board's restarts carry their cause: a Lua error in a callback is
 * NodeMCU's panic, and the panic's own line (which error, where) goes with the restart into the
 * scenario report — so an unexpected restart in a long run says why (stop 22's open question).
 */
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../../boards/validate";
import { NodeMcuBoard } from "../../../simulator/lua/nodemcu-board";
import { resultTable } from "../../../simulator/scenario/report";
import type { ScenarioResult } from "../../../simulator/scenario/runner";

describe("NodeMcuBoard restarts", () => {
  it("a panic restarts the board and keeps the error with the restart; node.restart() says reboot", () => {
    const program = `tmr.create():alarm(1500, tmr.ALARM_SINGLE, function() local t = nil; return t.field end)\nprint("up")\n`;
    const b = new NodeMcuBoard(loadBoard("nodemcu-esp32"), program, 1);
    try {
      b.powerOn();
      b.advance(2000);
      expect(b.resets.map((r) => r.reason)).toEqual(["power-on", expect.stringMatching(/^panic \(PANIC: unprotected error in call to Lua API \(.*attempt to index a nil value/)]); // bytecode without debug names, as NodeMCU keeps it
      expect(b.resets[1].t).toBe(1500);
      b.consoleInput("node.restart()\n");
      expect(b.resets.at(-1)!.reason).toBe("reboot");
    } finally {
      b.dispose();
    }
  });

  it("the scenario table names a panic or watchdog restart even when every check held", () => {
    const r = { name: "gateway-faults", ok: true, checks: [], restarts: [{ atMs: 7_000, reason: "panic (PANIC: boom)" }, { atMs: 9_000, reason: "reboot" }] } as unknown as ScenarioResult;
    const lines = resultTable([{ ...r, file: "x.json", host: "light", device: "G", readings: 0, verified: 0, rejected: 0, longestBlockMs: 0, longestBlockWhat: "", simMs: 60_000, wallMs: 1, boots: 2, powerCuts: 0, dropped: 0, lineErrors: {}, deviceRejects: {} }]);
    expect(lines).toContain("gateway-faults: restarted at 7s: panic (PANIC: boom)");
    expect(lines.join("\n")).not.toMatch(/reboot/);
  });

  it("a step of virtual time is one round trip to the Lua process, wherever it ends within a millisecond", () => {
    // The process says its clock in whole milliseconds; a step ending a few nanoseconds past one
    // (real-time loops step by performance.now() differences) once cost up to ~250,000 round
    // trips, each asking for the rest: a pty board stalled for 29 s in a flash test.
    const b = new NodeMcuBoard(loadBoard("nodemcu-esp32"), `tmr.create():alarm(1000, tmr.ALARM_AUTO, function() end)\n`, 1);
    try {
      b.powerOn();
      for (const past of [0.5, 0.01, 0.001, 0.000004, 1e-9]) {
        b.advance(Math.floor(b.now) + 10.5 - b.now); // to half a millisecond
        const before = b.exchanges;
        b.advance(0.5 + past);
        expect(b.exchanges - before, `a step ending ${past} ms past a millisecond`).toBe(1);
        expect(b.now).toBeCloseTo(Math.floor(b.now) + past, 9);
      }
      b.advance(5000); // and on, without a restart
      expect(b.resets.map((r) => r.reason)).toEqual(["power-on"]);
    } finally {
      b.dispose();
    }
  });
});
