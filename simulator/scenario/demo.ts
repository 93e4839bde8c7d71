/**
 * `npm start` (`solkit sim --demo`): the built esp32-devkitc firmware on an emulated board,
 * a 60 W load behind its relay, the light host verifying and acking over the serial line, and
 * a teller selling an hour of credit twice — printed as it happens at an accelerated pace
 * (device console lines, host verdicts), then a summary. Nothing else to install or start.
 */
import type { Verdict } from "../../host/verify/stream-verifier";
import { runScenario, type ScenarioResult } from "./runner";
import { formatSpan, type Scenario } from "./types";

export interface DemoOptions {
  firmware: string;
  /** Simulated seconds per wall-clock second (default 600: two hours in twelve seconds). */
  speed: number;
  durationMs: number;
  /** Device console lines and host verdicts. */
  print: (who: "device" | "host", text: string, simMs: number, ok?: boolean) => void;
}

/** The demo as a scenario: credit for an hour, it runs out, a top-up, all checked at the end. */
export function demoScenario(durationMs: number): Scenario {
  return {
    name: "demo", description: "npm start", file: "", board: "esp32-devkitc", seed: 42, durationMs,
    startUnixS: Date.parse("2026-06-21T18:00:00Z") / 1000, stepMs: 10_000,
    world: { latitude: 5, clouds: 0.2, panelWp: 300, meter: "loads", loads: [{ watts: 60, from: "00:00", to: "23:59" }] },
    device: { intervalS: 60, signEvery: 10 },
    host: { kind: "light", ack: true, tokens: [{ atMs: 60_000, kind: "add", seconds: 3600 }, { atMs: 80 * 60_000, kind: "add", seconds: 3600 }] },
    faults: [],
    expect: { allVerified: true, noSeqGap: true, noCounterRegression: true, energyTolerance: 0.02, tokensApplied: durationMs > 80 * 60_000 ? 2 : 1 },
  };
}

function verdictLine(v: Verdict<number>): string | undefined {
  if (v.kind !== "reading" || !v.reading || v.status === "duplicate") return undefined;
  const r = v.reading;
  if (v.status === "valid") return `✓ seq ${r.seq} ${(r.energyIn / 1000).toFixed(1)} Wh, relay ${r.relay ? "closed" : "open"}, credit ${r.credit} s (signed by seq ${v.by})`;
  return `✗ seq ${r.seq} ${v.status}: ${v.reason}`;
}

export async function runDemo(o: DemoOptions): Promise<ScenarioResult> {
  const sc = demoScenario(o.durationMs);
  const wall0 = Date.now();
  let taps = false;
  return runScenario(sc, {
    firmware: o.firmware,
    onDeviceLine: (line, simMs) => {
      if (!/^tx reading/.test(line)) o.print("device", line, simMs);
    },
    onStep: async (simMs, rig) => {
      if (!taps) {
        taps = true;
        rig.tap.onVerdict = (v) => {
          const t = verdictLine(v);
          if (t) o.print("host", t, rig.now, v.status === "valid");
        };
      }
      // Pace: simulated time runs `speed` times faster than the wall clock.
      const due = wall0 + simMs / o.speed;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    },
  });
}

/** Summary lines for the end of the demo. */
export function demoSummary(r: ScenarioResult): string[] {
  const e = r.energyMwh;
  return [
    `${formatSpan(r.simMs)} simulated in ${(r.wallMs / 1000).toFixed(1)} s: ${r.verified} readings verified by the host (${r.rejected} refused), ` +
      `${Object.values(r.deviceRejects).reduce((a, b) => a + b, 0)} downlink frames refused by the device`,
    e ? `energy signed by the device ${(e.device / 1000).toFixed(1)} Wh, through the meter in the world ${(e.truth / 1000).toFixed(1)} Wh` : "no energy reading yet",
    ...r.checks.map((c) => `${c.ok ? "✓" : "✗"} ${c.name}: ${c.detail}`),
  ];
}
