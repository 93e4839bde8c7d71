import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runLuaFile } from "../../../simulator/lua/run-lua";

const dir = mkdtempSync(join(tmpdir(), "solkit-run-lua-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runLuaFile", () => {
  it("captures stdout, stderr and the exit code of lua5.3", async () => {
    const file = join(dir, "a.lua");
    writeFileSync(file, 'print(_VERSION, 1 << 40)\nio.stderr:write("warn\\n")\nos.exit(3)\n');
    const r = await runLuaFile(file);
    expect(r).toEqual({ stdout: "Lua 5.3\t1099511627776\n", stderr: "warn\n", code: 3 });
  });

  it("returns a Lua error as exit 1 with the message", async () => {
    const file = join(dir, "b.lua");
    writeFileSync(file, 'error("boom")\n');
    const r = await runLuaFile(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("boom");
  });

  it("names the apt package when the interpreter is missing", async () => {
    await expect(runLuaFile(join(dir, "a.lua"), { lua: "/nonexistent/lua5.3" })).rejects.toThrow(/apt-get install lua5\.3/);
  });
});
