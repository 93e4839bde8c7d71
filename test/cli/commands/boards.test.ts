import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { solkit } from "../helpers";

const FIXTURES = join(__dirname, "..", "..", "boards", "fixtures");
const GOOD = join(__dirname, "..", "..", "..", "boards", "espruino-pico.json");

describe("solkit boards", () => {
  it("lists every board as a table", () => {
    const r = solkit(["boards"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+TARGET\s+MCU\s+BUILDABLE\s+VARS\s+STORAGE\s+NAME$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
      "esp32-devkitc", "espruino-pico", "espruino-wifi", "nodemcu-esp32", "nodemcu-esp8266", "rpi-zero-2w", "rpi4",
    ]);
    expect(r.stdout).toMatch(/espruino-pico\s+espruino\s+STM32F401CDU6\s+not yet\s+5100\s+48 KiB\s+Espruino Pico/);
    expect(r.stdout).toMatch(/rpi4\s+node\s+BCM2711\s+yes\s+-\s+16384 KiB\s+Raspberry Pi 4/);
  });

  it("--json prints one object per board", () => {
    const r = solkit(["boards", "--json"]);
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(7);
    expect(rows.find((b) => b.id === "esp32-devkitc")).toMatchObject({ target: "espruino", buildable: true, jsVars: 16383 });
    expect(rows.find((b) => b.id === "nodemcu-esp8266")).toMatchObject({ target: "nodemcu", buildable: false });
  });

  it("--help shows examples", () => {
    const r = solkit(["boards", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/solkit boards check my-board\.json/);
    expect(solkit(["boards", "check", "--help"]).stdout).toMatch(/Exit 0 when there is no error/);
  });
});

describe("solkit boards check", () => {
  it("passes every shipped board (exit 0)", () => {
    const r = solkit(["boards", "check"]);
    expect([r.status, r.stdout]).toEqual([0, ""]);
    expect(r.stderr).toMatch(/7 board files: 0 errors, 0 warnings/);
  });

  it("prints every issue as file: path: message and exits 1 on errors", () => {
    const file = join(FIXTURES, "many-errors.json");
    const r = solkit(["boards", "check", GOOD, file]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(11);
    expect(lines.every((l) => l.startsWith(`${file}: `))).toBe(true);
    expect(lines).toContain(`${file}: pins.relay[0].pin: relay "load" needs an output pin; D34 is input-only`);
    expect(lines).toContain(`${file}: colour: unknown field`);
    expect(r.stderr).toMatch(/2 board files: 10 errors, 1 warning/);
  });

  it("--json prints the issues as objects", () => {
    const r = solkit(["boards", "check", "--json", join(FIXTURES, "many-errors.json")]);
    expect(r.status).toBe(1);
    const issues = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(issues.filter((i) => i.severity === "warning").map((i) => i.path)).toEqual(["pins.button.pin"]);
    expect(issues.find((i) => i.path === "limits")).toMatchObject({ severity: "error" });
  });

  it("a JSON syntax error is reported at file:line:col", () => {
    const file = join(FIXTURES, "broken.json");
    const r = solkit(["boards", "check", file]);
    expect(r.status).toBe(1);
    expect(r.stdout.trim()).toBe(`${file}:4:24: not valid JSON: Expected double-quoted property name`);
  });

  it("warnings alone exit 0", () => {
    const r = solkit(["boards", "check", join(FIXTURES, "strapping-only.json")]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toMatch(/pins\.led\.pin: warning: D2 is a strapping pin/);
  });

  it("bad usage exits 2: a missing file, an unknown option", () => {
    const missing = solkit(["boards", "check", "no-such-board.json"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/solkit: no file no-such-board\.json/);
    expect(solkit(["boards", "check", "--frobnicate"]).status).toBe(2);
  });
});
