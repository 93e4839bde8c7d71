import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildLuaBundle } from "../../toolchain/lua";
import { runLuaFile } from "../../simulator/lua/run-lua";

const dir = mkdtempSync(join(tmpdir(), "solkit-lua-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runLua(source: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const file = join(dir, `run-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(file, source);
  return runLuaFile(file);
}

describe("buildLuaBundle", () => {
  it("writes one Lua file whose typed arrays follow the portable subset", async () => {
    const out = join(dir, "typed.lua");
    const { code } = await buildLuaBundle({ entry: "test/toolchain/fixtures/lua-typed.ts", outFile: out });
    expect(code.startsWith("-- solkit Lua prelude")).toBe(true);
    const r = await runLua(`local m = dofile(${JSON.stringify(out)})\nprint(m.probe())\n`);
    expect(r.stderr).toBe("");
    // length 3, zero-filled, value kept, write past the end ignored; u32 max exact; 1500 = 300 × "abNNN"
    expect(r.stdout.trim()).toBe("3 0 200 true 2 4294967295 0 0.5 -5 1500");
  });

  it("makes a non-integer typed-array length a Lua error, as JavaScript throws RangeError", async () => {
    const out = join(dir, "typed2.lua");
    await buildLuaBundle({ entry: "test/toolchain/fixtures/lua-typed.ts", outFile: out });
    const r = await runLua(`local m = dofile(${JSON.stringify(out)})\nprint(pcall(m.badLength))\n`);
    expect(r.stdout).toContain("false");
    expect(r.stdout).toContain("RangeError: invalid Uint8Array length 1.5");
  });

  it("swaps a module for a target's own only where the bundle has both, else names the missing one", async () => {
    const swaps: [string, string][] = [["shared/crypto/ed25519/no-such-module", "firmware/targets/nodemcu/lua-table-decode"]];
    const err: any = await buildLuaBundle({ entry: "test/toolchain/fixtures/lua-typed.ts", declarations: ["firmware/targets/nodemcu/nodemcu.d.ts"], swaps }).catch((e) => e);
    expect(err.code).toBe("E_LUA_BUILD");
    expect(err.message).toMatch(/module swap shared\/crypto\/ed25519\/no-such-module → firmware\/targets\/nodemcu\/lua-table-decode: shared\.crypto\.ed25519\.no-such-module is not in the bundle/);
  });

  it("fails on any-typed .length, [i] and string methods, naming each line", async () => {
    const err: any = await buildLuaBundle({ entry: "test/toolchain/fixtures/lua-untyped.ts" }).catch((e) => e);
    expect(err.code).toBe("E_LUA_BUILD");
    expect(err.message).toMatch(/lua-untyped\.ts:4:\d+ `\.length` of an `any` value/);
    expect(err.message).toMatch(/lua-untyped\.ts:5:\d+ `\[i\]` on an `any` value/);
    expect(err.message).toMatch(/lua-untyped\.ts:6:\d+ `\.substring\(\)` on an `any` value/);
  });

  it("fails listing TSTL's own diagnostics", async () => {
    const file = join(dir, "signed-shift.ts");
    writeFileSync(file, "export function f(x: number): number { return x >> 1; }\n");
    const err: any = await buildLuaBundle({ entry: file, rootDir: dir }).catch((e) => e);
    expect(err.code).toBe("E_LUA_BUILD");
    expect(err.message).toMatch(/signed-shift\.ts:1:\d+ .*(right shift|>>)/i);
  });
});
