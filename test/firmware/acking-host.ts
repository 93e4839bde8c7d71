/**
 * A minimal host for tests that run a built bundle on an emulated board: every `stepMs` it
 * reads the board's console, verifies the readings, and acks the newest proven one over the
 * REPL (`\x10solkit.rx(…)`) with the device's HMAC key — what the gateway does on a serial link.
 */
import type { EspruinoBoard } from "../../simulator/espruino/board";
import { encodeAck } from "../../shared/protocol/ack";
import { LineParser, encodeDownlinkLine, encodeFrame } from "../../shared/protocol/frame";
import type { Reading } from "../../shared/protocol/reading";
import { StreamVerifier } from "../../host/verify/stream-verifier";
import { nodeVerifier } from "../../host/crypto/node-verifier";

export interface AckingRun {
  /** Readings seen for the first time (re-sends not counted). */
  fresh: Reading[];
  /** Statuses other than valid/duplicate, with the reason. */
  bad: string[];
  /** Devices the readings came from (StrKey ids). */
  devices: Set<string>;
  /** Highest seq acked. */
  acked: number;
}

/** Runs the board for `durationMs` with a host that acks; `text()` returns its console so far. */
export function runWithAckingHost(emu: EspruinoBoard, text: () => string, deviceId: Uint8Array, key: Uint8Array, durationMs: number, stepMs = 10_000): AckingRun {
  const engine = new StreamVerifier<number>(nodeVerifier);
  const parser = new LineParser();
  const run: AckingRun = { fresh: [], bad: [], devices: new Set(), acked: -1 };
  let seen = 0;
  for (let t = 0; t < durationMs; t += stepMs) {
    emu.advance(stepMs);
    const all = text();
    const events = parser.push(all.slice(seen));
    seen = all.length;
    let newest = -1;
    for (const ev of events) {
      if (!ev.frame) continue;
      for (const v of engine.add(ev.frame, 0)) {
        if (v.status === "duplicate") continue;
        if (v.status !== "valid") run.bad.push(`${v.status} ${v.reason ?? ""}`);
        if (v.device) run.devices.add(v.device);
        if (v.reading) {
          run.fresh.push(v.reading);
          if (v.status === "valid" && v.reading.seq > newest) newest = v.reading.seq;
        }
      }
    }
    if (newest > run.acked) {
      run.acked = newest;
      const ack = encodeAck({ deviceId, seq: newest, hostTime: 1_790_000_000 + Math.floor(t / 1000) }, key);
      emu.consoleInput(encodeDownlinkLine(encodeFrame(ack), "espruino"));
    }
  }
  return run;
}
