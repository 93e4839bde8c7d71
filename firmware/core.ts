/**
 * The device program's shared context: one object that the parts (readings, uplink,
 * downlink, console, provisioning) receive explicitly, instead of module-level state.
 *
 * Portable code: see docs/portability.md.
 */
import type { DeviceConfig } from "./config";
import { relayShouldClose, type CreditClock } from "./credit";
import type { KeyJob } from "../shared/crypto/ed25519/signer";
import type { Hal } from "./hal";
import type { Identity, IdentityStore } from "./identity";
import type { EnergyMeter } from "./meter";
import type { Outbox } from "./outbox";
import type { SigningScheduler } from "./signing";
import type { PersistedState, StateStore } from "./state";
import type { SamplingState } from "./readings";
import type { UplinkState } from "./uplink";
import type { AckState } from "./downlink";

/** Counters since boot, for status(), the tests and the benchmark. */
export interface DeviceStats {
  readings: number;
  stored: number;
  /** Readings not stored because the outbox was full (each consumes its seq, PROTOCOL.md 2.2). */
  dropped: number;
  txLines: number;
  acks: number;
  tokens: number;
  /** Downlink frames rejected (bad CRC, MAC, replay, other device, …). */
  rejected: number;
  stateSaves: number;
}

export interface Core {
  hal: Hal;
  config: DeviceConfig;
  /** The last state saved (RAM mirror of the newest journal record). */
  state: PersistedState;
  states: StateStore;
  identity: Identity;
  identities: IdentityStore;
  outbox: Outbox;
  meter: EnergyMeter;
  credit: CreditClock;
  /** The device key being made (provisioning runs it in slices), or undefined. */
  keyJob: KeyJob | undefined;
  /** Undefined until the device has a key. */
  signer: SigningScheduler | undefined;
  /** Next sequence number to use (never below state.seqReserved at boot). */
  nextSeq: number;
  /** When readings are taken and what the next carries (readings.ts). */
  sampling: SamplingState;
  /** Resends, the batch in flight, a RAM signature (uplink.ts). */
  uplink: UplinkState;
  /** The newest ack (downlink.ts). */
  acks: AckState;
  lastPersistMs: number;
  warned: boolean;
  stats: DeviceStats;
  stopped: boolean;
  /** False when the boot's state save failed: the relay then stays open (fail closed). */
  bootSaved: boolean;
}

/** True when the device has its Ed25519 key (it can make readings). */
export function hasKey(core: Core): boolean {
  return core.identity.seed.length === 32;
}

/** True when the device has both keys: it can take tokens, so its relay may close. */
export function isProvisioned(core: Core): boolean {
  return core.identity.seed.length === 32 && core.identity.hmacKey.length === 32;
}

/** Saves `s` and makes it the RAM mirror; false (and a console line) when the store fails. */
export function saveState(core: Core, s: PersistedState): boolean {
  if (!core.states.save(s)) {
    core.hal.console.log("store: state not saved (flash full?)");
    return false;
  }
  core.state = s;
  core.stats.stateSaves++;
  core.lastPersistMs = core.hal.clock.uptimeMs();
  return true;
}

/**
 * Closes or opens the relay as credit, unlock and provisioning say (credit.ts). Driven on every
 * call (every tick), not only on a change: a pin written behind the firmware's back, e.g.
 * `digitalWrite` typed on the console, is undone within a second (issue 11).
 */
export function updateRelay(core: Core): void {
  const close = !core.stopped && core.bootSaved && relayShouldClose(isProvisioned(core), core.state.unlocked, core.credit.seconds());
  const was = core.hal.relay.isClosed();
  core.hal.relay.set(close);
  if (close !== was) core.hal.console.log(`relay ${close ? "closed (load on)" : "open (load off)"}`);
}
