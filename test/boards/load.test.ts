import { describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOARDS_DIR, checkBoardFile, formatIssue, loadBoard, loadBoards } from "../../boards/validate";
import { exitCodeFor } from "../../cli/errors";
import { SolkitError } from "../../shared/errors";
import { editDistance, nearest } from "../../boards/nearest";

const FIXTURES = join(__dirname, "fixtures");

/** The message of what `fn` throws, checking it is a board error the CLI turns into exit 2 (bad usage). */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SolkitError);
    expect((err as SolkitError).code).toBe("E_BOARD");
    expect(exitCodeFor(err)).toBe(2);
    return (err as SolkitError).message;
  }
  throw new Error("did not throw");
}

describe("loadBoard / loadBoards", () => {
  it("loads a shipped board by id", () => {
    const b = loadBoard("espruino-wifi");
    expect([b.id, b.target, b.limits?.jsVars, b.pins.meterInput?.pin]).toEqual(["espruino-wifi", "espruino", 8190, "B3"]);
    expect(loadBoards().map((x) => x.id)).toContain("rpi4");
  });

  it("an unknown id names the nearest and every known id", () => {
    expect(thrown(() => loadBoard("esp33"))).toBe(
      "no board 'esp33' (did you mean 'esp32-devkitc'?); known: esp32-devkitc, espruino-pico, espruino-wifi, nodemcu-esp32, nodemcu-esp8266, rpi-zero-2w, rpi4",
    );
    expect(thrown(() => loadBoard("pico"))).toMatch(/^no board 'pico'; known: esp32-devkitc, /);
  });

  it("a file that is not JSON says file:line:col", () => {
    const dir = mkdtempSync(join(tmpdir(), "solkit-boards-"));
    copyFileSync(join(FIXTURES, "broken.json"), join(dir, "broken.json"));
    copyFileSync(join(BOARDS_DIR, "board.schema.json"), join(dir, "board.schema.json"));
    expect(thrown(() => loadBoard("broken", dir))).toMatch(new RegExp(`^${dir}/broken\\.json:4:24: not valid JSON: Expected double-quoted property name$`));
    expect(() => loadBoards(dir)).toThrow(/broken\.json:4:24/);
  });

  it("a board with errors stops at the first, counting the rest", () => {
    const dir = mkdtempSync(join(tmpdir(), "solkit-boards-"));
    copyFileSync(join(FIXTURES, "many-errors.json"), join(dir, "many-errors.json"));
    expect(thrown(() => loadBoard("many-errors", dir))).toMatch(/many-errors\.json: pins\.relay\[1\]\.activeHigh: expected a boolean.*\(and \d+ more; run 'solkit boards check /);
  });
});

describe("checkBoardFile", () => {
  it("lists every problem of a file at once, with paths", () => {
    const lines = checkBoardFile(join(FIXTURES, "many-errors.json")).map(formatIssue).map((l) => l.replace(/^.*many-errors\.json: /, ""));
    expect(lines).toEqual([
      "pins.relay[1].activeHigh: expected a boolean, got a string",
      "pins.meterInput.impPerKWh: must be at least 1, got 0",
      "colour: unknown field",
      'pins.relay[0].pin: relay "load" needs an output pin; D34 is input-only',
      "pins.meterInput.pin: D6 is wired to the SPI flash; using it for the meter input crashes the chip",
      "pins.meterInput.pin: the meter input needs a pin that can watch edges (no interrupt on it); D6 cannot",
      "pins.sensor.pin: no pin D99 on this board",
      'pins.led.pin: D26 is already relay "fan" (pins.relay[1].pin); one function per pin',
      "pins.button.pin: warning: D12 is a strapping pin (MTDI: low at reset); the button may stop the board booting. Set allowStrapping: true if this is intended",
      "pins.sensor: set either meterInput (pulses) or sensor (sampled power), not both",
      "limits: a buildable board needs limits (RAM, code flash, storage)",
    ]);
  });
});

describe("nearest", () => {
  it("suggests close names and prefixes, nothing for far ones", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(nearest("esp33", ["esp32-devkitc", "rpi4"])).toBe("esp32-devkitc");
    expect(nearest("rpi3", ["esp32-devkitc", "rpi4"])).toBe("rpi4");
    expect(nearest("rpi5", ["rpi-zero-2w", "rpi4"])).toBe("rpi4"); // a tie: the whole id wins over a prefix
    expect(nearest("relays", ["relay", "led"])).toBe("relay");
    expect(nearest("arduino", ["espruino", "nodemcu", "node"])).toBeUndefined();
  });
});
