/**
 * Making a reading every interval (PROTOCOL.md section 2): fields from the meter, the credit
 * clock and the relay; `seq` from a persisted reservation; `prev` and `dropped` from the
 * outbox's chain tip; stored, then signed every `signEvery` readings.
 *
 * Sequence numbers are reserved `seqBlock` at a time in the state record, so a reading
 * costs no state save; numbers reserved and unused at a power cut are skipped, and the
 * next stored reading declares them in `dropped`, as PROTOCOL.md 2.2 allows. A reading the
 * full outbox cannot take consumes its seq too (tail drop): `dropped` of the next stored
 * reading is simply `seq − tipSeq − 1`.
 *
 * Portable code: see docs/portability.md.
 */
import { encodeReading, FLAG_UNLOCKED, TIME_UNKNOWN } from "../shared/protocol/reading";
import { copyState } from "./state";
import { saveState, type Core } from "./core";
import { flushNow } from "./uplink";

/** What taking readings keeps between them: when, the flags and time quality the next one carries, and how many since a signature. */
export interface SamplingState {
  /** Flags the next stored reading carries (pulsesLost, firstAfterBoot, clockStepped). */
  pendingFlags: number;
  timeQuality: number;
  /** Uptime of the last reading taken. */
  lastMs: number;
  /** Readings stored since the last signature request. */
  sinceSigned: number;
}

const U32_MAX = 4294967295;

/** Makes sure `seq` is reserved in the state record; one save per seqBlock readings. */
function reserve(core: Core, seq: number): void {
  if (seq < core.state.seqReserved) return;
  const s = copyState(core.state);
  s.seqReserved = seq + core.config.seqBlock;
  const r = core.meter.registers();
  s.energyIn = r.energyIn;
  s.energyOut = r.energyOut;
  s.residueIn = r.residueIn;
  s.residueOut = r.residueOut;
  saveState(core, s);
}

/**
 * Closes the interval and makes one reading: stores it, or drops it when the outbox is
 * full. Returns the seq used (-1 when the device has no key or the seq space is spent).
 */
export function takeReading(core: Core): number {
  if (core.signer === undefined) return -1;
  const hal = core.hal;
  const now = hal.clock.uptimeMs();
  const p = core.meter.takeInterval();
  core.sampling.lastMs = now;
  const seq = core.nextSeq;
  if (seq > U32_MAX) return -1;
  reserve(core, seq);
  core.nextSeq = seq + 1;
  core.stats.readings++;
  const outbox = core.outbox;
  const wall = hal.clock.wallTimeS();
  let flags = core.sampling.pendingFlags;
  if (core.state.unlocked) flags = flags | FLAG_UNLOCKED;
  const bytes = encodeReading({
    flags: flags,
    timeQuality: wall < 0 ? TIME_UNKNOWN : core.sampling.timeQuality,
    relay: hal.relay.isClosed() ? 1 : 0,
    outbox: outbox.depth > 65535 ? 65535 : outbox.depth,
    deviceId: core.identity.publicKey,
    seq: seq,
    dropped: seq - outbox.tipSeq - 1,
    time: wall < 0 ? 0 : Math.floor(wall),
    uptime: Math.floor(now / 1000),
    boot: core.state.boot,
    interval: Math.round(p.ms / 1000),
    energyIn: core.meter.energyIn,
    energyOut: core.meter.energyOut,
    power: p.powerMw,
    credit: core.credit.seconds(),
    prev: outbox.tipHash,
  });
  const result = outbox.append(bytes, seq);
  if (result !== "ok") {
    core.stats.dropped++;
    hal.console.log(`outbox ${result}: reading seq ${seq} dropped (the next stored reading counts it)`);
    // A full outbox must drain even if signEvery is not reached yet (say signEvery > capacity):
    // sign the newest stored reading and flush.
    flushNow(core);
    return seq;
  }
  core.stats.stored++;
  // The flags of a boot or a clock step go out once, on the first reading stored after it.
  core.sampling.pendingFlags = 0;
  core.sampling.sinceSigned++;
  if (core.sampling.sinceSigned >= core.state.signEvery) {
    core.sampling.sinceSigned = 0;
    core.signer.request(seq, bytes);
  }
  return seq;
}
