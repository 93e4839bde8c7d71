/**
 * Downlink bodies (PROTOCOL.md 5.2: `<base64>*<crc>`, from `solkit.rx("…")` on the REPL or
 * the MQTT `cmd` topic): acks remove readings from the outbox, tokens change credit, unlock,
 * disconnect or configure. Every check is the shared verifier's (verifyAck, verifyToken:
 * device id, MAC with the per-device key in constant time, then range or counter); the
 * HMAC runs over the board's native SHA-256 (hal.platform.sha256).
 *
 * Portable code: see docs/portability.md.
 */
import { KIND_ACK, KIND_TOKEN, errorCode } from "../shared/protocol/common";
import { decodeFrameBody, type Frame } from "../shared/protocol/frame";
import { verifyAck } from "../shared/protocol/ack";
import { verifyToken } from "../shared/protocol/token";
import { TIME_FROM_HOST, FLAG_CLOCK_STEPPED } from "../shared/protocol/reading";
import { tokenEffect } from "./credit";
import { isProvisioned, saveState, updateRelay, type Core } from "./core";
import { flush, newestSigned } from "./uplink";

/** The newest ack taken since boot (status lines): its seq (-1 = none) and when, on uptime. */
export interface AckState {
  lastSeq: number;
  lastMs: number;
}

function reject(core: Core, what: string, reason: string): string {
  core.stats.rejected++;
  core.hal.console.log(`rx ${what} rejected: ${reason}`);
  return reason;
}

function handleAck(core: Core, frame: Frame): string {
  const outbox = core.outbox;
  const v = verifyAck(frame.message, core.identity.hmacKey, core.identity.publicKey, outbox.tipSeq, core.hal.platform.sha256);
  if (!v.ok || v.ack === undefined) return reject(core, "ack", v.reason);
  const ack = v.ack;
  const removed = outbox.ack(ack.seq);
  core.stats.acks++;
  core.acks.lastSeq = ack.seq > core.acks.lastSeq ? ack.seq : core.acks.lastSeq;
  core.acks.lastMs = core.hal.clock.uptimeMs();
  // Clock only from an ack that acks something new: a replayed ack cannot set it back (PROTOCOL.md 3).
  if (removed > 0 && ack.hostTime > 0) {
    core.hal.clock.setWallTimeS(ack.hostTime);
    core.sampling.timeQuality = TIME_FROM_HOST;
    core.sampling.pendingFlags = core.sampling.pendingFlags | FLAG_CLOCK_STEPPED;
  }
  core.hal.console.log(`rx ack seq ${ack.seq}: ${removed} reading(s) acked, ${outbox.depth} left`);
  if (removed === 0 && ack.seq < core.uplink.sentSeq) {
    // The host is behind what was sent (the cable was out, lines were lost): it acks where it
    // stands, so start over from there instead of waiting for the retry timer.
    core.uplink.sentSeq = outbox.ackedSeq;
    core.hal.timers.after(0, function () {
      flush(core, false);
    });
  } else if (removed > 0 && newestSigned(core) > outbox.ackedSeq) {
    core.hal.timers.after(0, function () {
      flush(core, false); // the next batch of a backlog, oldest first
    });
  }
  return "ok";
}

function handleToken(core: Core, frame: Frame): string {
  const v = verifyToken(frame.message, core.identity.hmacKey, core.identity.publicKey, core.state.tokenCounter, core.hal.platform.sha256);
  if (!v.ok || v.token === undefined) return reject(core, "token", v.reason);
  const running = core.credit.seconds();
  const effect = tokenEffect(v.token, core.state, running, core.config.creditPersistS);
  // Counter and effect in one record, saved before anything applies (PROTOCOL.md 4.2).
  if (!saveState(core, effect.state)) return reject(core, "token", "E_STORE");
  core.credit.set(effect.credit);
  core.stats.tokens++;
  core.warned = false;
  updateRelay(core);
  core.hal.console.log(`rx ${effect.text}; credit ${core.credit.seconds()} s`);
  if (effect.openS > 0) core.hal.console.open(effect.openS);
  return "ok";
}

/**
 * Handles one downlink body; returns "ok" or the reason it was refused (E_CRC, E_BAD_MAC,
 * E_REPLAY, E_WRONG_DEVICE, E_LENGTH, E_UNPROVISIONED, …). Never throws.
 */
export function receive(core: Core, body: string): string {
  if (core.stopped) return "E_STOPPED";
  let frame: Frame;
  try {
    frame = decodeFrameBody(body);
  } catch (e) {
    return reject(core, "line", errorCode(e));
  }
  if (!isProvisioned(core)) return reject(core, "frame", "E_UNPROVISIONED");
  if (frame.kind === KIND_ACK) return handleAck(core, frame);
  if (frame.kind === KIND_TOKEN) return handleToken(core, frame);
  return reject(core, "frame", "E_KIND");
}
