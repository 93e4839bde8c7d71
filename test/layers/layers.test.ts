/**
 * The layers of issue 10 (.dependency-cruiser.cjs): every arrow points down, no file cycle.
 * The second case proves the rules can fail: a tree with one forbidden arrow and one cycle
 * is refused, naming the rule and both files.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin", "depcruise");
const LAYERS = ["shared", "firmware", "boards", "toolchain", "host", "flash", "simulator", "cli"];

function depcruise(cwd: string, dirs: string[]): { status: number | null; out: string } {
  const r = spawnSync(BIN, [...dirs, "--config", join(ROOT, ".dependency-cruiser.cjs"), "--output-type", "err"], { cwd, encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("layers", () => {
  it("the project keeps every rule", () => {
    const r = depcruise(ROOT, LAYERS);
    expect(r.out).toMatch(/no dependency violations found/);
    expect(r.status).toBe(0);
  });

  it("an upward arrow and a cycle are refused by name", () => {
    const dir = mkdtempSync(join(tmpdir(), "solkit-layers-"));
    for (const d of ["boards", "cli", "host"]) mkdirSync(join(dir, d));
    cpSync(join(ROOT, "tsconfig.json"), join(dir, "tsconfig.json"));
    writeFileSync(join(dir, "cli", "errors.ts"), "export const EXIT = 2;\n");
    writeFileSync(join(dir, "boards", "validate.ts"), 'import { EXIT } from "../cli/errors";\nexport const x = EXIT;\n');
    writeFileSync(join(dir, "host", "a.ts"), 'import { b } from "./b";\nexport const a = () => b;\n');
    writeFileSync(join(dir, "host", "b.ts"), 'import { a } from "./a";\nexport const b = () => a;\n');
    const r = depcruise(dir, ["boards", "cli", "host"]);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/layer-boards: boards\/validate\.ts → cli\/errors\.ts/);
    expect(r.out).toMatch(/no-circular: host\/a\.ts →/);
  });
});
