/**
 * Scenario files: every library file is valid and belongs to one test group; a broken file
 * gets every problem listed with its JSON path; defaults and durations come out right.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { parseDuration, formatSpan } from "../../../simulator/scenario/types";
import { readScenarioFile, toScenario, validateScenario } from "../../../simulator/scenario/validate";
import { GROUPS, LIBRARY, libraryNames } from "./library";

describe("scenario files", () => {
  it("every library scenario is valid and in exactly one test group", () => {
    const grouped = Object.values(GROUPS).flat().sort();
    expect(grouped).toEqual(libraryNames());
    for (const n of libraryNames()) expect(readScenarioFile(join(LIBRARY, `${n}.json`)).issues).toEqual([]);
  });

  it("lists every problem with its path at once", () => {
    const bad = {
      name: "Bad Name", duration: "7 days", bord: "x", board: "esp8266-nope",
      world: { clouds: 2, meter: "sun" },
      host: { kind: "gateway", tokens: [{ at: "1h", kind: "add" }, { at: "2h", replay: 5 }] },
      faults: [{ kind: "power-cut" }, { kind: "meteor", at: "1h" }, { kind: "cable-pulled", at: "1h", for: "2h", extra: 1 }],
      expect: { minReadings: "many", relay: [{ at: "1h", state: "ajar" }] },
    };
    const paths = validateScenario(bad, "bad.json").map((i) => i.path);
    for (const p of ["name", "duration", "bord", "world.clouds", "world.meter", "faults[0].at", "faults[1].kind", "faults[2].extra", "expect.minReadings", "expect.relay[0].state"]) {
      expect(paths).toContain(p);
    }
  });

  it("checks what the schema cannot: board, times inside the run, replays of earlier tokens, clock jumps", () => {
    const s = {
      name: "x", duration: "1h", board: "nope",
      host: { kind: "gateway", tokens: [{ at: "2h", kind: "add" }, { at: "30m", replay: 1 }] },
      faults: [{ kind: "clock-jump", at: "10m", seconds: 60 }, { kind: "line-noise", at: "1m", for: "1m" }],
      expect: { deviceRejects: { replay: 1 } },
    };
    const issues = validateScenario(s, "x.json").map((i) => `${i.path}: ${i.message}`);
    expect(issues.join("\n")).toMatch(/^board: no board "nope"/m);
    expect(issues.join("\n")).toMatch(/host\.tokens\[0\]\.at: 2h is past the end/);
    expect(issues.join("\n")).toMatch(/host\.tokens\[0\]\.seconds: missing/);
    expect(issues.join("\n")).toMatch(/host\.tokens\[1\]\.replay: must name an earlier token/);
    expect(issues.join("\n")).toMatch(/faults\[0\]: clock-jump/);
    expect(issues.join("\n")).toMatch(/faults\[1\]: line-noise needs/);
    expect(issues.join("\n")).toMatch(/expect\.deviceRejects\.replay/);
  });

  it("fills defaults and turns durations into milliseconds", () => {
    const sc = toScenario({ name: "d", duration: "90m", faults: [{ kind: "power-cuts", count: 3 }], expect: {} }, "d.json");
    expect(sc.board).toBe("esp32-devkitc");
    expect(sc.durationMs).toBe(5_400_000);
    expect(sc.host).toEqual({ kind: "light", ack: true, tokens: [] });
    expect(sc.faults[0]).toMatchObject({ kind: "power-cuts", count: 3, fromMs: 0, toMs: 5_400_000, offMs: 5000, duringWrite: 0.5 });
    expect(parseDuration("1500ms")).toBe(1500);
    expect(parseDuration("7d")).toBe(604_800_000);
    expect(parseDuration("soon")).toBeNaN();
    expect(formatSpan(26 * 3_600_000 + 60_000)).toBe("1d 2h 1m");
  });
});
