/**
 * `solkit sim` through the real command: the table and exit 0 when every expectation holds,
 * exit 1 with the failed check named, exit 2 with every problem of a bad file listed, the
 * JSON report, fleet mode and the demo. Scenarios here are short (minutes of simulated time).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { solkit } from "../helpers";

const dir = mkdtempSync(join(tmpdir(), "solkit-sim-cli-"));
function scenario(name: string, body: object): string {
  const f = join(dir, `${name}.json`);
  writeFileSync(f, JSON.stringify({ name, duration: "20m", ...body }));
  return f;
}

describe("solkit sim", () => {
  it("runs scenarios, prints the table and exits 0 when all hold; --report writes the JSON", () => {
    const a = scenario("short-ok", { expect: { minReadings: 15, allVerified: true, noSeqGap: true } });
    const report = join(dir, "report.json");
    const r = solkit(["sim", a, "--report", report]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/scenario\s+result\s+readings\s+verified\s+energy error\s+longest block\s+sim time\s+wall time/);
    expect(r.stdout).toMatch(/short-ok\s+pass\s+\d+\s+\d+/);
    const json = JSON.parse(readFileSync(report, "utf8"));
    expect(json.ok).toBe(true);
    expect(json.scenarios[0].checks.map((c: { name: string }) => c.name)).toEqual(["minReadings", "allVerified", "noSeqGap"]);
  }, 180_000);

  it("exits 1 and names the expectation that failed; --json prints the report", () => {
    const a = scenario("short-fail", { expect: { minReadings: 500, relay: [{ at: "10m", state: "closed" }] } });
    const r = solkit(["sim", a, "--json"]);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(false);
    const failed = json.scenarios[0].checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name);
    expect(failed).toEqual(["minReadings", "relay@600s"]);
  }, 180_000);

  it("exits 2 on a bad scenario file, listing every problem with its path, and runs nothing", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ name: "Bad", duration: "soon", faults: [{ kind: "power-cut" }], expect: { allVerifed: true } }));
    const good = scenario("good", { expect: {} });
    const r = solkit(["sim", good, bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: name: /);
    expect(r.stderr).toMatch(/bad\.json: duration: /);
    expect(r.stderr).toMatch(/bad\.json: faults\[0\]\.at: missing/);
    expect(r.stderr).toMatch(/bad\.json: expect\.allVerifed: unknown field \(did you mean "allVerified"\?\)/);
    expect(r.stderr).toMatch(/4 problems in scenario files; nothing was run/);
    expect(r.stdout).toBe("");
  }, 60_000);

  it("fleet mode reports simulated device-hours per second", () => {
    const r = solkit(["sim", "--devices", "3", "--duration", "30m", "--json"]);
    expect(r.status).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(f.devices).toBe(3);
    expect(f.verified).toBeGreaterThanOrEqual(3 * 20);
    expect(f.rejectedForGood).toBe(0);
    expect(f.deviceHoursPerSecond).toBeGreaterThan(0);
  }, 180_000);

  it("the demo (npm start) shows device lines, host verdicts and a summary", () => {
    const r = solkit(["sim", "--demo", "--duration", "30m", "--speed", "100000"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/device +rx token 1: credit \+3600 s/);
    expect(r.stdout).toMatch(/host +✓ seq 9 /);
    expect(r.stdout).toMatch(/relay closed \(load on\)/);
    expect(r.stdout).toMatch(/30m simulated in .* readings verified by the host \(0 refused\)/);
  }, 180_000);
});
