/**
 * NodeMCU's luac.cross built from toolchain/nodemcu-luac (with solkit's patches) and the LFS
 * images it makes: a program compiled into an image runs from it in NodeMCU's own Lua core, the
 * image's chip layout is measured, a bad program or a missing compiler is one clear error, and
 * `solkit build --board nodemcu-esp32` leaves the image and its heap figures beside the bundle.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileLuacCross, luacCross } from "../../toolchain/luac-cross";
import { buildLfsImage } from "../../toolchain/nodemcu-lfs";
import { solkit } from "../cli/helpers";

const tmp = () => mkdtempSync(join(tmpdir(), "solkit-lfs-test-"));

/** Runs `script` (Lua source) under luac.cross with `image` in its flash; stdout, stderr, status. */
function runWith(image: string | undefined, script: string, args: string[] = []) {
  const file = join(tmp(), "script.lua");
  writeFileSync(file, script);
  return spawnSync(luacCross(), [...(image ? ["-F", image] : []), "-e", file, ...args], { encoding: "utf8" });
}

describe("luac.cross (NodeMCU's Lua 5.3 core, vendored)", () => {
  it("runs a program from an LFS image: LFS.get gives its module, LFS.list names it, arg holds what follows the script; stdout stays the script's", () => {
    const dir = tmp();
    const img = join(dir, "app.img");
    const facts = buildLfsImage(`local n = ... return { twice = function(x) return 2 * x end, big = math.maxinteger }`, img, { module: "app" });
    expect(facts).toMatchObject({ module: "app", imageBytes: statSync(img).size });
    expect(facts.flashBytes).toBeGreaterThan(0);
    const r = runWith(img, `local app = LFS.get("app")() print(app.twice(21), app.big, table.concat(LFS.list(), ","), LFS.get("none"), arg[1], arg[2])`, ["x", "y"]);
    expect(r.status, r.stderr).toBe(0);
    // 64-bit integers (LUA_NUMBER_64BITS), as solkit's NodeMCU firmware is built.
    expect(r.stdout).toBe("42\t9223372036854775807\tapp\tnil\tx\ty\n");
    expect(r.stderr).toMatch(/LFS image loaded/); // the erase progress and the loader's words: stderr, not stdout
  });

  it("the code in LFS takes no Lua heap: the same program loaded from source takes more", () => {
    const body = Array.from({ length: 200 }, (_, i) => `function f${i}(a, b) local s = "constant string number ${i} ${"x".repeat(40)}" return a + b + #s end`).join("\n");
    const img = join(tmp(), "big.img");
    buildLfsImage(body, img, { module: "big" });
    const probe = (load: string) => runWith(img, `collectgarbage("collect") local b = collectgarbage("count") ${load} collectgarbage("collect") io.write(collectgarbage("count") - b)`);
    const src = join(tmp(), "big.lua");
    writeFileSync(src, body);
    const fromLfs = Number(probe(`local m = LFS.get("big") m()`).stdout);
    const fromSource = Number(probe(`local m = loadfile(${JSON.stringify(src)}) m()`).stdout);
    expect(fromSource).toBeGreaterThan(40); // KiB: 200 functions, their constants
    expect(fromLfs).toBeLessThan(fromSource / 4); // only the globals' table entries
  });

  it("the same program makes the same image, byte for byte (a reproducible build), a second later too", async () => {
    const dir = tmp();
    const src = `local t = {} for i = 1, 200 do t["k" .. i] = i end return { t = t, name = "solkit" }`;
    buildLfsImage(src, join(dir, "a.img"), { module: "app" });
    // luac.cross stamps the image with its build time (node.LFS.time) unless SOURCE_DATE_EPOCH
    // says otherwise: two builds in different seconds once made different images of one program.
    await new Promise((r) => setTimeout(r, 1100));
    buildLfsImage(src, join(dir, "b.img"), { module: "app" });
    expect(readFileSync(join(dir, "a.img")).equals(readFileSync(join(dir, "b.img")))).toBe(true);
  });

  it("a failing script fails the run (exit 1), with its traceback", () => {
    const r = runWith(undefined, `error("boom")`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/script\.lua:1: boom/);
  });

  it("a program Lua refuses is E_LUA_BUILD naming the line; a missing compiler is E_LUAC_CROSS saying what to install", () => {
    const bad: any = (() => {
      try {
        buildLfsImage("local x = = 1", join(tmp(), "bad.img"));
      } catch (e) {
        return e;
      }
    })();
    expect(bad).toMatchObject({ code: "E_LUA_BUILD" });
    expect(bad.message).toMatch(/solkit\.lua:1: unexpected symbol near '='/);
    let err: any;
    try {
      compileLuacCross(join(tmp(), "luac.cross"), "/nonexistent/cc");
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "E_LUAC_CROSS", message: expect.stringMatching(/no C compiler \(\/nonexistent\/cc\).*apt-get install gcc libc6-dev/) });
  });
});

describe("solkit build --board nodemcu-esp32", () => {
  it("writes lfs.img beside firmware.lua and reports the image, the chip's partition and the hour's heap from LFS", () => {
    const out = tmp();
    const r = solkit(["build", "--board", "nodemcu-esp32", "--out", out, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.lfs).toMatchObject({ module: "solkit", imageBytes: statSync(join(out, "lfs.img")).size });
    expect(report.lfs.imageBytes).toBeLessThan(report.bytes); // compiled and compressed: smaller than the source
    expect(report.lfs.flashBytes).toBeGreaterThan(report.lfs.imageBytes);
    expect(report.measured.lua).toBe("lua5.3");
    expect(report.measuredLfs.lua).toMatch(/NodeMCU/);
    // From LFS the program's own heap (the emulation's left out) is its data: well under the
    // source's, which holds its code too.
    const own = (m: { heapKiBAfterHour: number; emulationKiB: number }) => m.heapKiBAfterHour - m.emulationKiB;
    expect(report.measuredLfs.emulationKiB).toBeGreaterThan(10);
    expect(own(report.measuredLfs)).toBeGreaterThan(20);
    expect(own(report.measuredLfs)).toBeLessThan(own(report.measured) / 2);
    expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8")).lfs).toEqual(report.lfs);
  }, 120_000);

  it("without a C compiler (and no luac.cross built): the bundle is built all the same, no lfs.img, and the output says why and what to install", () => {
    const out = tmp();
    const bin = join(__dirname, "..", "..", "bin", "solkit.mjs");
    const r = spawnSync(process.execPath, [bin, "build", "--board", "nodemcu-esp32", "--out", out], {
      encoding: "utf8", env: { ...process.env, NO_COLOR: "1", CC: "/nonexistent/cc", SOLKIT_LUAC_CACHE: tmp() },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lfs {7}not built: no C compiler for NodeMCU's luac\.cross \(apt-get install gcc libc6-dev\); solkit flash uploads the source/);
    expect(existsSync(join(out, "firmware.lua"))).toBe(true);
    expect(existsSync(join(out, "lfs.img"))).toBe(false);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.lfs).toBeUndefined();
    expect(report.measured.lua).toBe("lua5.3");
  }, 120_000);
});
