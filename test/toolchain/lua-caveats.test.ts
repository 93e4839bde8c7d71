/**
 * typescript-to-lua's caveats for portable code (issue 14, docs/portability.md), each either
 * caught at build time or shown to behave the same in lua5.3 as in JavaScript:
 * - 0 and "" are true in Lua: a number or string as a condition fails the build, each line named;
 * - Lua's own limits (200 locals in a function, 255 upvalues) fail the build (luac5.3 -p), not the board;
 * - integer and float: integer arithmetic, floor division and u32 wrapping print the same;
 * - arrays: `length` after push and in-order writes is the same (TSTL's `#`); typed arrays come
 *   from the prelude, zero-filled, as in JavaScript.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildLuaBundle } from "../../toolchain/lua";
import { runLuaFile } from "../../simulator/lua/run-lua";

const dir = mkdtempSync(join(tmpdir(), "solkit-lua-caveats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = "declare function print(this: void, text: string): void;\n";

async function build(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, HEADER + body);
  return (await buildLuaBundle({ entry: file, rootDir: dir })).code;
}

async function runBoth(name: string, body: string): Promise<{ lua: string; js: string }> {
  const lua = join(dir, `${name}.lua`);
  writeFileSync(lua, await build(name, body));
  const r = await runLuaFile(lua);
  expect(r.stderr).toBe("");
  const out: string[] = [];
  new Function("print", body.replace(/: \w+(\[\])?/g, ""))((t: string) => out.push(t));
  return { lua: r.stdout.trim(), js: out.join("\n") };
}

describe("typescript-to-lua caveats", () => {
  it("a number or a string as a condition fails the build, naming each line", async () => {
    const body = `export function f(n: number, s: string, b: boolean): string {
  let out = "";
  if (n) out += "n";
  while (s) s = "";
  return out + (b ? "b" : "") + (!n ? "!" : "") + (n !== 0 ? "ok" : "");
}
print(f(0, "", true));
`;
    const e = await build("cond", body).catch((x) => x as Error);
    expect(e).toMatchObject({ code: "E_LUA_BUILD" });
    const lines = (e as Error).message.split("\n").filter((l) => l.includes("as a condition"));
    expect(lines.map((l) => /cond\.ts:(\d+)/.exec(l)?.[1])).toEqual(["4", "5", "6"]);
  }, 60_000);

  it("Lua's own limits fail the build: 201 locals in one function", async () => {
    const locals = Array.from({ length: 201 }, (_, i) => `  const v${i} = ${i};`).join("\n");
    const sum = Array.from({ length: 201 }, (_, i) => `v${i}`).join(" + ");
    const e = await build("locals", `export function big(): number {\n${locals}\n  return ${sum};\n}\nprint("" + big());\n`).catch((x) => x as Error);
    expect(String((e as Error).message)).toMatch(/Lua 5\.3 refuses the bundle.*too many local variables/);
  }, 60_000);

  it("integers, floor division and u32 wrap print the same as in JavaScript", async () => {
    const { lua, js } = await runBoth("ints", `const a = 7;
const b = 2;
print("" + Math.floor(a / b) + " " + (a % b) + " " + (a * 1000003) + " " + ((0xffffffff + 2) >>> 0) + " " + (0x12345678 & 0xff));
`);
    expect(lua).toBe(js);
    expect(js).toBe("3 1 7000021 1 120");
  }, 60_000);

  it("array length after push and in-order writes, and zero-filled typed arrays, match", async () => {
    const { lua, js } = await runBoth("arrays", `const xs: number[] = [];
for (let i = 0; i < 5; i++) xs.push(i * i);
xs[5] = 99;
const t = new Uint8Array(4);
t[2] = 200;
print("" + xs.length + " " + xs[5] + " " + t.length + " " + t[0] + " " + t[2]);
`);
    expect(lua).toBe(js);
    expect(js).toBe("6 99 4 0 200");
  }, 60_000);
});
