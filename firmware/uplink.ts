/**
 * Draining the outbox over the link (PROTOCOL.md 5.1), each reading as one `@SK1:` line, up
 * to the newest signed reading, so the newest reading sent is always signed (PROTOCOL.md
 * 2.1). Nothing leaves the outbox here; only a valid ack removes readings (downlink.ts).
 * A new signature sends the readings not sent yet, at once, acks or not — a host that is
 * slow, or only a technician's monitor, still sees every reading. Unacked readings are sent
 * again, oldest first, in batches: after `retryS` without ack progress, then twice as long
 * each time (up to 32×, so a device without a host does not flood its console), and when the
 * link comes back up.
 *
 * Portable code: see docs/portability.md.
 */
import { encodeFrame, encodeFrameBody, LINE_PREFIX } from "../shared/protocol/frame";
import type { Core } from "./core";

/** What the uplink keeps between calls: resend timing, the batch in flight, a signature kept in RAM. */
export interface UplinkState {
  /** A signature that could not be written to flash, kept for the drain. */
  ramSig: { seq: number; sig: Uint8Array } | undefined;
  /**
   * When the retry wait started: the last resend batch or the last ack progress. Fresh sends do
   * not restart it: a device that signs more often than retryS would otherwise never resend
   * what a host missed (issue 9, item 6).
   */
  retryFromMs: number;
  /** Counts flushes: a batch still going on in later turns of the loop stops when a newer flush starts. */
  flushGeneration: number;
  /** Highest seq sent at least once since boot: fresh readings go out once without waiting for acks. */
  sentSeq: number;
  /** Resends in a row without ack progress (the retry interval doubles with each), and the acked seq they saw. */
  retries: number;
  retryAcked: number;
  linkWasUp: boolean;
}

/** Highest seq with a signature (in flash, or kept in RAM when flash refused it). */
export function newestSigned(core: Core): number {
  const ram = core.uplink.ramSig === undefined ? -1 : core.uplink.ramSig.seq;
  return core.outbox.signedSeq > ram ? core.outbox.signedSeq : ram;
}

/**
 * Event-loop time one flush may take before it yields: a line costs ~35 ms to encode on the
 * real desktop interpreter (base64 + CRC in JavaScript) and a batch is up to 16 lines, so a
 * whole batch at once blocked the loop for most of a second (issue 9). The rest of the batch
 * follows in the next turn of the loop.
 */
export const FLUSH_SLICE_MS = 8;

/**
 * Sends readings up to the newest signed one: with `fresh`, only those never sent; otherwise
 * unacked ones from the oldest, one batch. Returns the lines sent in this turn of the loop
 * (a long batch goes on in later turns; a newer flush replaces a batch still going).
 */
export function flush(core: Core, fresh: boolean): number {
  const hal = core.hal;
  if (core.stopped || !hal.link.isUp()) return 0;
  const upTo = newestSigned(core);
  const outbox = core.outbox;
  if (upTo <= outbox.ackedSeq) return 0;
  const after = fresh && core.uplink.sentSeq > outbox.ackedSeq ? core.uplink.sentSeq : outbox.ackedSeq;
  if (!fresh) core.uplink.retryFromMs = hal.clock.uptimeMs();
  core.uplink.flushGeneration++;
  return sendBatch(core, core.uplink.flushGeneration, after, upTo, fresh, 0);
}

function sendBatch(core: Core, generation: number, from: number, upTo: number, fresh: boolean, sentBefore: number): number {
  const hal = core.hal;
  const outbox = core.outbox;
  const t0 = hal.clock.uptimeMs();
  let after = from;
  let sent = 0;
  let more = false;
  for (;;) {
    const r = outbox.nextAfter(after);
    if (r === undefined || r.seq > upTo) break;
    if (sent > 0 && hal.clock.uptimeMs() - t0 >= FLUSH_SLICE_MS) {
      more = true;
      break;
    }
    let sig = r.signature;
    if (sig.length === 0 && core.uplink.ramSig !== undefined && core.uplink.ramSig.seq === r.seq) sig = core.uplink.ramSig.sig;
    hal.link.send(LINE_PREFIX + encodeFrameBody(encodeFrame(r.bytes, sig)));
    hal.console.log(`tx reading seq ${r.seq}${sig.length > 0 ? " signed" : ""}`);
    sent++;
    after = r.seq;
    // A batch ends on a signed reading once it has maxBatch lines: the host can ack it.
    if (!fresh && sentBefore + sent >= core.config.maxBatch && sig.length > 0) break;
  }
  if (after > core.uplink.sentSeq) core.uplink.sentSeq = after;
  core.stats.txLines += sent;
  if (more) {
    hal.timers.after(0, function (): void {
      if (core.stopped || core.uplink.flushGeneration !== generation || !hal.link.isUp()) return;
      sendBatch(core, generation, after, upTo, fresh, sentBefore + sent);
    });
  }
  return sent;
}

/** A finished signature: into flash (or RAM), then flush. */
export function onSigned(core: Core, seq: number, sig: Uint8Array): void {
  if (!core.outbox.setSignature(seq, sig)) core.uplink.ramSig = { seq: seq, sig: sig };
  flush(core, true);
}

/**
 * Flush now (console command, link back up): signs the newest reading first when it is not
 * signed yet (PROTOCOL.md 2.1: always sign before a flush); the flush follows the signature.
 */
export function flushNow(core: Core): void {
  const outbox = core.outbox;
  if (outbox.tipSeq <= outbox.ackedSeq || core.signer === undefined) return;
  if (newestSigned(core) >= outbox.tipSeq) {
    flush(core, false);
    return;
  }
  const tip = outbox.nextAfter(outbox.tipSeq - 1);
  if (tip === undefined) return;
  core.sampling.sinceSigned = 0;
  core.signer.request(tip.seq, tip.bytes);
}

/** From the main tick: resend after retryS without ack progress, and when the link comes up. */
export function uplinkTick(core: Core): void {
  const hal = core.hal;
  const up = hal.link.isUp();
  const cameUp = up && !core.uplink.linkWasUp;
  core.uplink.linkWasUp = up;
  if (!up || core.signer === undefined || core.signer.busy()) return;
  if (core.outbox.ackedSeq !== core.uplink.retryAcked) {
    core.uplink.retryAcked = core.outbox.ackedSeq; // progress: back to the short retry interval
    core.uplink.retries = 0;
    core.uplink.retryFromMs = hal.clock.uptimeMs();
  }
  if (newestSigned(core) <= core.outbox.ackedSeq) return;
  const waitMs = core.config.retryS * 1000 * (1 << Math.min(core.uplink.retries, 5));
  if (cameUp || hal.clock.uptimeMs() - core.uplink.retryFromMs >= waitMs) {
    if (!cameUp) core.uplink.retries++;
    flush(core, false);
  }
}
