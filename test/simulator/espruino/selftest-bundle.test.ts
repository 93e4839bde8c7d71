import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildEspruinoBundle } from "../../../toolchain/espruino";
import { countCases, loadVectorFiles, SELFTEST_ENTRY } from "../../../simulator/selftest";
import { makeBoard } from "./helpers";

describe("the shared/ bundle inside an EspruinoBoard", () => {
  it("boots from .bootcde and passes every golden vector, driven over the console", async () => {
    const files = loadVectorFiles();
    const outDir = mkdtempSync(join(tmpdir(), "solkit-espruino-board-"));
    const { code } = await buildEspruinoBundle({ entry: SELFTEST_ENTRY, outFile: join(outDir, "selftest.js"), globalName: "solkitSelftest" });
    const { board, out } = makeBoard({ callbackTimeoutMs: 0 });
    // What a flasher does: the bundle into .bootcde, then a reboot.
    board.runCode(`require("Storage").write(".bootcde", ${JSON.stringify(code)});`);
    expect(board.console.printed).toEqual([]);
    board.powerOff();
    board.powerOn();
    expect(board.runCode("typeof solkitSelftest.runAll").value).toBe("function");
    board.consoleInput(
      `\x10var r = solkitSelftest.runAll(${JSON.stringify(files)}); for (var i = 0; i < r.lines.length; i++) print(r.lines[i]);\n`,
    );
    const last = board.console.printed.at(-1);
    expect(board.console.printed.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(last).toBe(`${countCases(files)} passed, 0 failed`);
    expect(out()).toContain(`${last}\r\n`);
    expect(board.storage.stats().fileCount).toBe(1);
    console.log(`selftest in EspruinoBoard: ${last}; bundle ${code.length} bytes; longest block ${board.longestBlock.ms.toFixed(0)} ms`);
  });
});
