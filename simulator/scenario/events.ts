/**
 * A scenario's timeline: faults, the teller's tokens and the relay checks, each an event at a
 * simulated instant that the runner stops at. Power comes back through the board's own event
 * loop (an entry that is no JS timer, so it survives the cut), at the exact instant, even when
 * the cut itself fell inside a flash write in the middle of a step.
 */
import { encodeToken, TOKEN_ADD_CREDIT, TOKEN_DISCONNECT, TOKEN_SET_CREDIT, TOKEN_UNLOCK } from "../../shared/protocol/token";
import type { SimHost } from "../host/sim-host";
import { nodeSha256 } from "../host/tap";
import { prng } from "../world/sky";
import type { DeviceRig } from "./rig";
import type { Fault, Scenario } from "./types";

export interface SimEvent {
  atMs: number;
  run: () => void | Promise<void>;
}

export interface RelayCheck {
  atMs: number;
  expected: "open" | "closed";
  actual?: "open" | "closed";
}

/** What the timeline did, for the report. */
export interface Timeline {
  events: SimEvent[];
  relayChecks: RelayCheck[];
  /** Power cuts that happened (armed mid-write cuts count once they fired). */
  cuts: { n: number };
}

const KINDS = { add: TOKEN_ADD_CREDIT, set: TOKEN_SET_CREDIT, unlock: TOKEN_UNLOCK, disconnect: TOKEN_DISCONNECT };

/** Fills the Storage with one file, as another program would, until `unfill`. */
function fill(rig: DeviceRig): void {
  const s = rig.board.storage;
  if (!rig.board.isOn) return;
  s.compact();
  const free = s.getFree() - 64;
  if (free > 0) s.write("~filler", new Uint8Array(free));
}

export function buildTimeline(sc: Scenario, rig: DeviceRig, host: SimHost): Timeline {
  const events: SimEvent[] = [];
  const relayChecks: RelayCheck[] = [];
  const cuts = { n: 0 };
  const rand = prng(sc.seed ^ 0xc075);
  const board = rig.board;
  let restoreAfter = 5000;
  let armed = 0;
  const powerBackAt = (ms: number) => board.loop.schedule(ms, () => board.powerOn());
  // A cut armed with cutAfterBytes fires inside a write: power comes back `off` later.
  const cutHook = board.flash.onPowerCut;
  let pendingArm = false;
  board.flash.onPowerCut = () => {
    cutHook?.();
    pendingArm = false;
    armed++;
    cuts.n++;
    powerBackAt(board.now + restoreAfter);
  };
  const cut = (offMs: number, duringWrite: boolean, afterBytes?: number): void => {
    // Every cut event is one cut: one that falls while the power is already off happens a
    // second after it is back; one armed for a write that does not come within two minutes
    // happens then, at that instant (or now, if another cut event comes first).
    if (pendingArm && board.isOn) {
      pendingArm = false;
      board.powerOff();
      armed++;
      cuts.n++;
      powerBackAt(board.now + restoreAfter);
    }
    if (!board.isOn) return void board.loop.schedule(board.now + 1000, () => cut(offMs, duringWrite, afterBytes));
    restoreAfter = offMs;
    if (duringWrite) {
      const id = armed;
      board.cutAfterBytes(afterBytes ?? Math.floor(rand() * 128));
      pendingArm = true;
      board.loop.schedule(board.now + 120_000, () => {
        if (armed === id && board.isOn && pendingArm) {
          pendingArm = false;
          cut(offMs, false);
        }
      });
      return;
    }
    armed++;
    board.powerOff();
    cuts.n++;
    powerBackAt(board.now + offMs);
  };
  const span = (f: { atMs: number; forMs: number }, on: () => void | Promise<void>, off: () => void | Promise<void>) => {
    events.push({ atMs: f.atMs, run: on }, { atMs: f.atMs + f.forMs, run: off });
  };
  for (const f of sc.faults) addFault(f);
  function addFault(f: Fault): void {
    switch (f.kind) {
      case "power-cut":
        return void events.push({ atMs: f.atMs, run: () => cut(f.offMs, f.duringWrite, f.afterBytes) });
      case "power-cuts":
        for (let i = 0; i < f.count; i++) {
          const at = Math.floor(f.fromMs + rand() * (f.toMs - f.fromMs));
          const mid = rand() < f.duringWrite;
          events.push({ atMs: at, run: () => cut(f.offMs, mid) });
        }
        return;
      case "cable-pulled":
        return span(f, () => rig.cable.plug(false), () => rig.cable.plug(true));
      case "broker-down":
        return span(f, () => host.setBroker(false), () => host.setBroker(true));
      case "wifi-down":
        return span(f, () => board.setNetworkUp(false), () => board.setNetworkUp(true));
      case "line-noise":
        return span(f, () => rig.cable.setNoise({ corrupt: f.corrupt, drop: f.drop }), () => rig.cable.setNoise({ corrupt: 0, drop: 0 }));
      case "storage-full":
        return span(f, () => fill(rig), () => void (board.isOn && board.storage.erase("~filler")));
      case "clock-jump":
        return void events.push({ atMs: f.atMs, run: () => void (host.clockOffsetS += f.seconds) });
    }
  }
  const sent: Uint8Array[] = [];
  let counter = 0;
  for (const t of sc.host.tokens) {
    events.push({
      atMs: t.atMs,
      run: () => {
        if (t.replay !== undefined) return rig.sendFrame(sent[t.replay]);
        const amount = t.kind === "add" || t.kind === "set" ? t.seconds : 0;
        const bytes = encodeToken({ tokenKind: KINDS[t.kind], deviceId: rig.publicKey, counter: ++counter, amount, config: [] }, rig.hmacKey, nodeSha256);
        sent.push(bytes);
        rig.sendFrame(bytes);
      },
    });
  }
  for (const r of sc.expect.relay ?? []) {
    const check: RelayCheck = { atMs: r.atMs, expected: r.state };
    relayChecks.push(check);
    events.push({ atMs: r.atMs, run: () => void (check.actual = rig.relayClosed() ? "closed" : "open") });
  }
  // Stable: events at one instant run in the order they were listed.
  events.sort((a, b) => a.atMs - b.atMs);
  return { events, relayChecks, cuts };
}
