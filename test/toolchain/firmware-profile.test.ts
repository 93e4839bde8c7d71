/**
 * Build profiles and native hashes (toolchain/firmware-profile.ts): which modules each swaps,
 * that the swapped bundles still pass the RFC 8032 vectors inside the Espruino sandbox, and
 * which profile `solkit build` picks for each Espruino board.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { buildEspruinoBundle } from "../../toolchain/espruino";
import { buildFirmware } from "../../toolchain/firmware";
import { type BuildProfile, moduleSwaps, parseProfile, swapPlugin } from "../../toolchain/firmware-profile";
import { SELFTEST_ENTRY, loadVectorFiles } from "../../simulator/selftest";
import { BASE_TABLE_BASE64 } from "../../shared/crypto/ed25519/base-table";
import { BASE_TABLE_SMALL_BASE64 } from "../../shared/crypto/ed25519/base-table-small";
import { runInEspruinoSandbox } from "../../simulator/espruino/sandbox";
import { companionFiles, companionInstallScript } from "../../toolchain/companion-files";
import { solkit } from "../cli/helpers";

const tmp = (name: string): string => mkdtempSync(join(tmpdir(), `solkit-${name}-`));

describe("module swaps", () => {
  it("small swaps the base and field multiplications; native hashes swap the portable SHA-2", () => {
    // Every espruino build decodes the base table, looks it up and multiplies field elements
    // natively (issue 9: seconds of event-loop block otherwise).
    const target: [string, string][] = [
      ["shared/crypto/ed25519/base-table-load", "firmware/targets/espruino/storage-base-table"],
      ["shared/crypto/ed25519/table-decode", "firmware/targets/espruino/native-table-decode"],
      ["shared/crypto/ed25519/base-lookup", "firmware/targets/espruino/native-base-lookup"],
      ["shared/encoding/base64", "firmware/targets/espruino/native-base64"],
      ["shared/crypto/ed25519/field-mul", "firmware/targets/espruino/native-field-mul"],
    ];
    expect(moduleSwaps("tiny", {}).pop()).toEqual(["shared/crypto/ed25519/field-mul", "firmware/targets/espruino/native-field-mul-small"]);
    expect(moduleSwaps("full", {})).toEqual(target);
    expect(moduleSwaps("small", {}).map((s) => s[0])).toEqual(["shared/crypto/ed25519/base-mul", "shared/crypto/ed25519/field-mul", ...target.map((t) => t[0])]);
    expect(moduleSwaps("full", { nativeHashes: ["sha512"] })).toEqual([...target, ["shared/crypto/sha512", "firmware/targets/espruino/native-hash"]]);
    // A later pair wins: the small profile's looped product gives way to the native one.
    const map = swapPlugin(moduleSwaps("small", {}));
    const id = (map.resolveId as any)("./field-mul", join(process.cwd(), "shared/crypto/ed25519/field.ts"));
    expect(id).toBe(join(process.cwd(), "firmware/targets/espruino/native-field-mul.ts"));
  });

  it("parseProfile takes full, small and tiny and names the choices otherwise", () => {
    expect(parseProfile("small")).toBe("small");
    expect(parseProfile("tiny")).toBe("tiny");
    expect(() => parseProfile("huge")).toThrow(/expected one of full, small, tiny, got "huge"/);
  });

  for (const profile of ["full", "small"] as BuildProfile[]) {
    it(`the ${profile} profile's self-test bundle passes the RFC 8032 vectors in the Espruino sandbox`, async () => {
      const { code } = await buildEspruinoBundle({ entry: SELFTEST_ENTRY, globalName: "solkitSelftest", plugins: [swapPlugin(moduleSwaps(profile, {}))] });
      // The full bundle reads its table from a Storage file (installed first, as solkit flash
      // does); the small one carries its 1 KB table inside.
      expect(companionFiles(code).map((f) => f.name)).toEqual(profile === "full" ? ["ed25519.tbl"] : []);
      expect(code.length).toBeLessThan(60_000);
      const files = loadVectorFiles().filter((f) => f.kind === "ed25519");
      expect(files.length).toBe(1);
      const driver = `var r = solkitSelftest.runAll(${JSON.stringify(files)}); for (var i = 0; i < r.lines.length; i++) print(r.lines[i]);`;
      const run = runInEspruinoSandbox(`${companionInstallScript(code)}${code}\n${driver}\n`);
      expect(run.error).toBeUndefined();
      expect(run.lines[run.lines.length - 1]).toBe(`${files[0].cases.length} passed, 0 failed`);
    }, 60_000);
  }
});

describe("profile choice per board", () => {
  it("esp32-devkitc gets full, with native SHA-256/512 and no portable SHA-2 inside", async () => {
    const dir = tmp("esp32");
    const r = await buildFirmware(loadBoard("esp32-devkitc"), dir);
    expect(r.profile).toBe("full");
    expect(r.nativeHashes).toEqual(["sha256", "sha512"]);
    const ids = r.modules.map((m) => m.id);
    expect(ids).not.toContain("shared/crypto/ed25519/base-table.ts"); // in ed25519.tbl beside the bundle
    expect(r.companionFiles).toEqual([{ name: "ed25519.tbl", bytes: 24576 }]);
    expect(ids.some((id) => /crypto\/sha(256|512)\.ts$/.test(id))).toBe(false);
    expect(readFileSync(join(dir, "firmware.js"), "utf8")).toContain("SHA512");
  }, 60_000);

  it("espruino-wifi gets the profile with the largest outbox, saying why, and keeps at least two outbox segments", async () => {
    const dir = tmp("wifi");
    const r = await buildFirmware(loadBoard("espruino-wifi"), dir);
    expect(r.profile).toBe("tiny"); // no profile lasts 6 h offline there; tiny leaves the most room
    expect(r.profileReason).toMatch(/largest outbox.*profile full \(\d+ bytes\): the bundle .* leaves too little of espruino-wifi's 65536-byte Storage.*profile small (fits but its outbox lasts|\(\d+ bytes\): the bundle .* leaves too little)/);
    expect(r.storage.outboxCapacity).toBeGreaterThanOrEqual(2 * r.storage.segmentSlots);
    // small's signer: only window 0 of the base-point table (the full profile's largest module)
    expect(r.modules.map((m) => m.id)).not.toContain("shared/crypto/ed25519/base-table.ts");
    const text = readFileSync(join(dir, "firmware.js"), "latin1");
    expect(text).toContain(BASE_TABLE_SMALL_BASE64);
    expect(text).not.toContain(BASE_TABLE_BASE64.slice(2048, 2112));
    expect(r.vars.fits).toBe(true);
  }, 60_000);

  it("a board no profile fits: the build names each profile's bytes (the Pico, were it marked buildable)", async () => {
    const pico = { ...loadBoard("espruino-pico"), buildable: true };
    await expect(buildFirmware(pico, { outDir: tmp("pico") })).rejects.toMatchObject({
      code: "E_TOO_BIG",
      message: expect.stringMatching(/no build profile fits\. profile full \(\d+ bytes\): .*; profile small \(\d+ bytes\): .*; profile tiny \(\d+ bytes\): .*49152-byte Storage/),
    });
  }, 120_000);

  it("--profile forces a profile and says so; a bad one is a usage error (exit 2)", () => {
    const ok = solkit(["build", "--board", "esp32-devkitc", "--profile", "small", "--out", tmp("forced")]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/profile\s+small \(forced \(--profile\)\); native sha256, sha512/);
    const bad = solkit(["build", "--board", "esp32-devkitc", "--profile", "huge"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--profile: expected one of full, small/);
  }, 60_000);

  it("--measure without a real interpreter says why and still builds; a bad duration is a usage error", () => {
    const dir = tmp("measure");
    const r = spawnSync(process.execPath, [join(process.cwd(), "bin/solkit.mjs"), "build", "--board", "esp32-devkitc", "--out", dir, "--measure", "10"], {
      encoding: "utf8", env: { ...process.env, NO_COLOR: "1", SOLKIT_ESPRUINO: join(dir, "no-such-folder") },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/not measured: no real Espruino interpreter at .*no-such-folder/);
    expect(JSON.parse(readFileSync(join(dir, "report.json"), "utf8")).measured).toBeUndefined();
    const bad = solkit(["build", "--board", "esp32-devkitc", "--out", tmp("measure-bad"), "--measure", "2"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--measure: expected whole seconds from 5 to 3600, got "2"/);
  }, 90_000);
});
