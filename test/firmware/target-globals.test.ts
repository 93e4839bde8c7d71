/**
 * Target globals appear only under firmware/targets/<target>/ (STYLE.md; ESPHome's lint
 * against raw Arduino calls): everywhere else the device program goes through firmware/hal.ts.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** Each forbidden global and the HAL call to use instead. */
const RULES: [RegExp, string][] = [
  [/\b(digitalWrite|digitalRead|pinMode)\s*\(/, "hal.relay / hal.meter"],
  [/\bsetWatch\s*\(/, "hal.meter.pulses()"],
  [/\banalogRead\s*\(/, "hal.sensor.milliwatts()"],
  [/\bE\.(enableWatchdog|kickWatchdog|hwRand|setBootCode|reboot)\b/, "hal.platform"],
  [/\brequire\s*\(\s*["'](Storage|crypto|net|wifi|Wifi)["']/, "hal.store / hal.platform / hal.link"],
  [/\bgetTime\s*\(/, "hal.clock.uptimeMs()"],
  [/\b(setInterval|setTimeout)\s*\(/, "hal.timers"],
  [/\b(gpio|tmr|node|file|net|wifi|sjson|crypto)\.[a-z]+\s*\(/, "the HAL (NodeMCU modules belong in firmware/targets/nodemcu/)"],
];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (relative(ROOT, p) !== join("firmware", "targets") && name !== "test") out.push(...files(p));
    } else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function findings(text: string, file: string): string[] {
  const out: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (/^\s*(\*|\/\/|\/\*\*)/.test(line)) return; // comments may name what they avoid
    for (const [re, instead] of RULES) {
      if (re.test(line)) out.push(`${file}:${i + 1}: ${line.trim()} — use ${instead}`);
    }
  });
  return out;
}

describe("target globals", () => {
  it("appear only under firmware/targets/", () => {
    const all = [...files(join(ROOT, "firmware")), ...files(join(ROOT, "shared"))].flatMap((f) =>
      findings(readFileSync(f, "utf8"), relative(ROOT, f)),
    );
    expect(all).toEqual([]);
  });

  it("the check itself catches a raw call and names the HAL call instead", () => {
    expect(findings("  digitalWrite(D5, 1);", "x.ts")[0]).toMatch(/use hal\.relay/);
    expect(findings('const s = require("Storage");', "x.ts")[0]).toMatch(/hal\.store/);
  });
});
