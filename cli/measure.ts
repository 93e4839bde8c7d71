/**
 * `solkit build --measure`: a built bundle on the real Espruino interpreter with the board's
 * variable count (issue 9: the build report's memory and time figures come from the real
 * interpreter, not from a static estimate or the V8 emulation, which reports neither).
 *
 * The board's Linux twin (linux-twin.ts) is flashed over a pseudo-terminal as `solkit flash`
 * does and boots from Storage, is provisioned with fresh random entropy and a random host key
 * (nothing is stored on the host), reads and signs a reading every 2 s while the meter input
 * pulses, and a probe the firmware cannot see records the variables in use and the longest
 * event-loop block on the device's clock. The board is powered off and its folder removed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Board } from "../boards/board-type";
import { flashBoard } from "../flash/flash-board";
import { closePort, openPort } from "../flash/port-open";
import { ReplSession } from "../flash/repl-session";
import { SolkitError } from "../shared/errors";
import { decodePublicKey } from "../shared/crypto/strkey";
import { encodeDownlinkLine, encodeFrame } from "../shared/protocol/frame";
import { encodeToken, TOKEN_MAINTENANCE } from "../shared/protocol/token";
import { interpreterFor } from "../simulator/real-espruino/interpreter";
import { PROBE_INSTALL, PROBE_READ } from "../simulator/real-espruino/probe";
import { RealBoard } from "../simulator/real-espruino/real-board";

export interface RealMeasure {
  /** The interpreter build used (file name). */
  interpreter: string;
  varsAtRest: number;
  varsPeak: number;
  varsTotal: number;
  /** Longest time anything kept the event loop busy while it ran (ms, device clock). */
  longestBlockMs: number;
  /** Readings signed while measured. */
  signatures: number;
  seconds: number;
  /** What the figures mean on a board. */
  note: string;
}

const BAUD = 115_200;

async function call(s: ReplSession, expr: string, timeoutMs = 30_000): Promise<unknown> {
  const r = await s.call(expr, timeoutMs);
  if (!r.ok) throw new SolkitError("E_MEASURE", `the board answered ${String(r.value).slice(0, 120)} to ${expr.slice(0, 40)}`);
  return r.value;
}

async function withRepl<T>(path: string, fn: (s: ReplSession) => Promise<T>): Promise<T> {
  const port = await openPort(path, BAUD);
  try {
    return await fn(new ReplSession(port, BAUD));
  } finally {
    await closePort(port);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `code` (the bundle of `twin`, a board of D-pins: linuxTwin) for `seconds` and measures it.
 * @throws SolkitError E_NO_INTERPRETER when this machine has no build for the board; the
 *   flasher's errors when the bundle does not boot
 */
export async function measureOnInterpreter(twin: Board, code: string, seconds = 30, onNote?: (text: string) => void): Promise<RealMeasure> {
  const bin = interpreterFor(twin);
  const dir = mkdtempSync(join(tmpdir(), `solkit-measure-${twin.id}-`));
  const b = new RealBoard({ bin, dir });
  try {
    await b.powerOn();
    onNote?.(`flashing the bundle to ${bin}…`);
    const flashed = await flashBoard({ path: b.path, baud: BAUD, board: twin, code });
    if (!flashed.boot.solkit) throw new SolkitError("E_MEASURE", `the bundle did not start on the interpreter: ${flashed.boot.lines.slice(-3).join(" / ")}`);
    const hostKey = randomBytes(32);
    let deviceId = "";
    const rest = await withRepl(b.path, async (s) => {
      const started = await call(s, `solkit.provisionKey(false, "${randomBytes(32).toString("hex")}")`);
      for (let i = 0; i < 600 && started === "pending"; i++) {
        if (!/UNPROVISIONED: no device key/.test(String(await call(s, "solkit.cmd('status')")))) break;
        await sleep(1000);
      }
      deviceId = String(/^id: (G\S+)$/m.exec(String(await call(s, "solkit.cmd('status')")))?.[1]);
      await call(s, `solkit.setHostKey("${hostKey.toString("hex")}")`);
      await call(s, "solkit.setConfig(2, 1)");
      const usage = (await call(s, "process.memory().usage")) as number;
      await call(s, PROBE_INSTALL);
      return usage;
    });
    onNote?.(`running it for ${seconds} s with the meter pulsing…`);
    const end = Date.now() + seconds * 1000;
    const meter = twin.pins.meterInput?.pin;
    while (Date.now() < end) {
      if (meter !== undefined) await b.pulse(meter, 30);
      await sleep(400);
    }
    // Provisioned, the console locks after its window (issue 11): open it with our own key's token.
    const open = encodeDownlinkLine(encodeFrame(encodeToken({ tokenKind: TOKEN_MAINTENANCE, deviceId: decodePublicKey(deviceId), counter: 1, amount: 600, config: [] }, hostKey)), "espruino");
    const m = (await withRepl(b.path, async (s) => {
      await s.write(open);
      await sleep(500);
      return call(s, `(function(){var p=${PROBE_READ},m=process.memory();return {gap:p.gapMs,peak:Math.max(p.peakVars,m.usage),total:m.total,status:solkit.cmd('status')};})()`);
    })) as { gap: number; peak: number; total: number; status: string };
    const seq = /next seq (\d+)/.exec(m.status);
    return {
      interpreter: bin.split("/").pop() as string,
      varsAtRest: rest,
      varsPeak: m.peak,
      varsTotal: m.total,
      longestBlockMs: m.gap,
      signatures: seq ? Number(seq[1]) : 0,
      seconds,
      note: "Linux build of the real interpreter: time is a desktop's, and code from Storage runs about 4x slower than from a board's memory-mapped flash (docs/real-interpreter.md)",
    };
  } finally {
    await b.powerOff();
    rmSync(dir, { recursive: true, force: true });
  }
}
