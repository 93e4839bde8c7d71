import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { luaString, toLuaLiteral } from "../../toolchain/lua-literal";
import { runLuaFile } from "../../simulator/lua/run-lua";

const dir = mkdtempSync(join(tmpdir(), "solkit-lua-literal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("toLuaLiteral", () => {
  it("writes sequences, keyed tables, integers, floats and booleans", () => {
    expect(toLuaLiteral({ a: [1, 2.5, true], "b c": "x" })).toBe('{["a"]={1, 2.5, true}, ["b c"]="x"}');
    expect(toLuaLiteral([])).toBe("{}");
    expect(toLuaLiteral(9007199254740991)).toBe("9007199254740991");
    expect(toLuaLiteral(-0)).toBe("0");
  });

  it("escapes quotes, backslashes and control bytes as three-digit \\ddd", () => {
    expect(luaString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(luaString("\n1")).toBe('"\\0101"');
    expect(luaString("\x7f\u00e9")).toBe('"\\127\\195\\169"');
  });

  it("refuses null and names where it is", () => {
    expect(() => toLuaLiteral({ cases: [{ x: null }] }, "file")).toThrow(/file\.cases\[0\]\.x is null/);
    expect(() => toLuaLiteral(NaN)).toThrow(expect.objectContaining({ code: "E_LUA_LITERAL" }));
  });

  it("reads back in lua5.3 as the same bytes and numbers", async () => {
    const value = { s: "tab\there \"q\" back\\ nul\u0000 7\u00017 del\x7f", n: [0, -1, 4294967295, 9007199254740991, 0.25], t: true };
    const file = join(dir, "literal.lua");
    writeFileSync(
      file,
      [
        `local v = ${toLuaLiteral(value)}`,
        "local hex = {}",
        "for i = 1, #v.s do hex[#hex + 1] = string.format('%02x', v.s:byte(i)) end",
        "print(table.concat(hex))",
        "for i = 1, #v.n do print(math.type(v.n[i]), v.n[i]) end",
        "print(v.t)",
      ].join("\n"),
    );
    const r = await runLuaFile(file);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe(Buffer.from(value.s, "utf8").toString("hex"));
    expect(lines.slice(1, 6)).toEqual(["integer\t0", "integer\t-1", "integer\t4294967295", "integer\t9007199254740991", "float\t0.25"]);
    expect(lines[6]).toBe("true");
  });
});
