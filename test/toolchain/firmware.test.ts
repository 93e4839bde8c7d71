import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { buildFirmware } from "../../toolchain/firmware";
import { planStorage } from "../../toolchain/firmware-plan";
import { checkEspruinoBundle } from "../../toolchain/espruino-check";
import { solkit } from "../cli/helpers";

describe("solkit build (Espruino)", () => {
  it("builds esp32-devkitc: a checked bundle with the board's pins inside and a report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "solkit-build-"));
    const report = await buildFirmware(loadBoard("esp32-devkitc"), dir);
    const code = readFileSync(join(dir, "firmware.js"), "utf8");
    expect(checkEspruinoBundle(code)).toEqual([]);
    expect(code).toContain('"D26"'); // relay pin from boards/esp32-devkitc.json
    expect(code).toContain('"D25"'); // meter input
    expect(report.bytes).toBe(Buffer.byteLength(code));
    expect(report.storage.outboxCapacity).toBeGreaterThanOrEqual(32);
    expect(report.vars.estimate).toBeLessThan(report.vars.budget);
    const onDisk = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    expect(onDisk.board).toBe("esp32-devkitc");
    expect(onDisk.modules.length).toBeGreaterThan(3);
  });

  it("refuses a board whose target is not built yet, naming why (exit 2)", () => {
    const r = solkit(["build", "--board", "nodemcu-esp8266"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nodemcu-esp8266 is not buildable yet/);
  });

  it("one meaning of buildable (issue 11): boards, build and flash --dry-run agree on the Pico, exit 2, no stack", () => {
    expect(solkit(["boards"]).stdout).toMatch(/espruino-pico\s+espruino\s+\S+\s+not yet/);
    const why = /espruino-pico is not buildable yet: its smallest bundle \(the tiny profile, [\d.]+ KB\) leaves too little of its 48 KB Storage/;
    const build = solkit(["build", "--board", "espruino-pico", "--out", mkdtempSync(join(tmpdir(), "solkit-pico-"))]);
    const flash = solkit(["flash", "--board", "espruino-pico", "--dry-run"]);
    for (const r of [build, flash]) {
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("planStorage", () => {
  const board = loadBoard("esp32-devkitc");

  it("gives the outbox at most half of what code and journals leave", () => {
    const plan = planStorage(board, 90_000);
    expect(plan.fits).toBe(true);
    expect(plan.outboxBytes).toBeLessThanOrEqual((plan.storageBytes - 90_000 - plan.journalBytes) / 2);
    expect(plan.outboxCapacity % plan.segmentSlots).toBe(0);
  });

  it("does not fit when the code leaves less than two outbox segments", () => {
    const plan = planStorage(board, board.limits!.storageBytes - 1000);
    expect(plan.fits).toBe(false);
    expect(plan.problem).toMatch(/too little/);
  });
});
