import { describe, expect, it } from "vitest";
import { buildEspruinoBundle } from "../../toolchain/espruino";
import { checkEspruinoBundle } from "../../toolchain/espruino-check";
import { runInEspruinoSandbox } from "../../simulator/espruino/sandbox";

describe("buildEspruinoBundle", () => {
  for (const minify of [false, true]) {
    it(`lowers modern syntax to what Espruino runs, with the same results (minify ${minify})`, async () => {
      const { code } = await buildEspruinoBundle({ entry: "test/toolchain/fixtures/lowered-features.ts", minify, globalName: "fx" });
      expect(checkEspruinoBundle(code)).toEqual([]);
      expect(code).not.toMatch(/Symbol|Array\.from|Object\.freeze/);
      const r = runInEspruinoSandbox(`${code}\nprint(fx.probe());`);
      expect(r.error).toBeUndefined();
      expect(r.lines).toEqual(["100,none,1,2,4,3,3,6,counter"]);
    });
  }

  it("keeps classes, arrows and template literals native", async () => {
    const { code } = await buildEspruinoBundle({ entry: "test/toolchain/fixtures/lowered-features.ts", minify: false });
    expect(code).toMatch(/\bclass Counter\b/);
    expect(code).toContain("=>");
  });

  it("exposes the entry's exports on the named global", async () => {
    const { code } = await buildEspruinoBundle({ entry: "shared/bytes.ts", globalName: "solkitBytes" });
    const r = runInEspruinoSandbox(`${code}\nprint(solkitBytes.toHex(solkitBytes.fromHex("00ff")), typeof solkitShared);`);
    expect(r.lines).toEqual(["00ff undefined"]);
  });
});
