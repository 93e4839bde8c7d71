/**
 * What happens to every frame, whatever link brought it (DESIGN.md step 5, PROTOCOL.md 7):
 * known device? → sequence (duplicate = ack again; replay = rejected) → chain and signature
 * → one SQLite transaction (readings, chain state, upstream spool) → ack → upstream.
 *
 * Frames are queued and handled in batches on the next turn of the event loop, each batch
 * in one transaction, so under load one fsync covers many readings (group commit) while a
 * lone frame still goes through at once. Acks leave only after the commit: an ack makes the
 * device delete the reading, so it must be on disk first. Unsigned readings wait in memory
 * (not stored, not acked): the device keeps them and sends them again after a restart.
 * Nothing here throws on bad input: every rejection is a counted reason and a log line.
 */
import { equalBytes } from "../../shared/bytes";
import type { Verifier } from "../../shared/crypto/types";
import { deviceIdOf } from "../crypto/device-id";
import { encodeAck } from "../../shared/protocol/ack";
import { AUTHENTICATED, PENDING, verifyChain } from "../../shared/protocol/chain";
import { errorCode, KIND_READING } from "../../shared/protocol/common";
import type { Frame } from "../../shared/protocol/frame";
import { decodeReading, FLAG_FIRST_AFTER_BOOT, readingHash } from "../../shared/protocol/reading";
import { buildTopic } from "../../shared/protocol/topics";
import { relayPayload } from "../protocol/relay-payload";
import { explain, verifiedText } from "./log-text";
import { StoreHealth } from "./store-health";
import { relinkPoint } from "../verify/pending-chain";
import { nodeSha256 } from "../crypto/node-sha256";
import { decodeJob, Precheck } from "./precheck";
import type { Accepted, Batch, FrameCtx, Job, LinkContext, Outcome, Pending, PipelineDeps, Verified, VerifiedBatch } from "./pipeline-types";
import type { DeviceRecord } from "./registry";
import { WalSync } from "./wal-sync";

export type { Accepted, LinkContext, PipelineDeps, VerifiedBatch } from "./pipeline-types";

const sha256 = nodeSha256;

/** Most unsigned readings kept per device while waiting for a signature. */
export const MAX_PENDING = 1000;

/** Ended with nothing to ack (rejected, or waiting as pending). */
const NOTHING: Outcome = Object.freeze({ spooled: false });

function isOutcome(x: object): x is Outcome {
  return "spooled" in x;
}

function newBatch(jobs: Job[]): Batch {
  return { jobs, acks: new Map(), accepted: new Map(), counts: { verified: 0, dropped: 0 }, verified: [], spooledItems: [], echoes: [] };
}

export class Pipeline {
  private readonly pending = new Map<string, Pending[]>();
  private queue: Job[] = [];
  private scheduled = false;
  private readonly echoes = new Set<string>();
  /** Device records read in the current batch (the batch's own updates applied), one SELECT each. */
  private readonly batchDevices = new Map<string, DeviceRecord | undefined>();
  private readonly now: () => number;
  /** The batch being committed: what its frames counted, spooled and marked, undone or used once it ends. */
  private batch: Batch = newBatch([]);
  private readonly store: StoreHealth;
  /** The verifier the chain checks use: the worker's verdicts first, when there is a worker. */
  private readonly verifier: Verifier;
  /** The verify thread's side (precheck.ts), when there is a worker. */
  private readonly precheck: Precheck<Job> | undefined;

  /** How a batch's transaction reaches the disk. */
  private readonly wal: WalSync;
  /**
   * Every frame of a batch through handle(), in one transaction. Made once: better-sqlite3's
   * db.transaction() builds four wrapped functions and their properties per call, garbage the
   * event loop made a thousand times a second.
   */
  private readonly handleBatch: (b: Batch) => void;

  constructor(private readonly d: PipelineDeps) {
    this.now = d.now ?? Date.now;
    this.wal = d.walSync ?? new WalSync(d.db, undefined);
    this.handleBatch = d.db.transaction((b: Batch) => {
      for (const job of b.jobs) {
        try {
          const r = this.handle(job);
          if (r.ack) b.acks.set(r.ack.id, { device: r.ack, link: job.link });
          if (r.accepted) b.accepted.set(r.accepted.device.id, r.accepted);
        } catch (e) {
          // A failed write (SQLITE_FULL, an I/O error) has already rolled the transaction back
          // inside SQLite: the whole batch fails, and nothing of it may be acked.
          if (String((e as { code?: string }).code).startsWith("SQLITE_")) throw e;
          this.rejected(job.link, errorCode(e), `internal: ${(e as Error).message}`);
        }
      }
    });
    this.store = new StoreHealth(d.db, d.logger, d.dbFile);
    this.precheck = d.verifyWorker ? new Precheck<Job>(d.verifyWorker, d.verifier, (id) => d.registry.hot(id)?.state.lastSeq, d.logger) : undefined;
    this.verifier = this.precheck?.verifier ?? d.verifier;
    const m = d.metrics;
    m.gauge("solkit_store_ok", "1 while commits to the database work; 0 after a failed one (a full disk), until one works again.", () => (this.store.ok ? 1 : 0));
    m.counter("solkit_frames_in_total", "Frames and payloads received, by link kind.");
    m.counter("solkit_readings_verified_total", "Readings authenticated, stored and acked.");
    m.counter("solkit_rejected_total", "Frames rejected, by reason code.");
    m.counter("solkit_duplicates_total", "Readings received again after they were stored (acked again).");
    m.counter("solkit_pending_replaced_total", "Unsigned pending readings dropped because a reading that links earlier contradicted them.");
    m.counter("solkit_dropped_declared_total", "Sequence numbers devices declared skipped: outbox-full drops, and reservations unused at a reboot.");
    m.counter("solkit_acks_sent_total", "Acks sent to devices.");
  }

  /** Queues a frame; it is handled on the next turn of the event loop with others that came. */
  submit(frame: Frame, link: LinkContext, receivedAt: number = this.now()): void {
    this.d.metrics.inc("solkit_frames_in_total", { link: link.name.split(":")[0] });
    this.queue.push({ frame, link, receivedAt });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** A line or payload that did not make a frame (CRC, base64, JSON…): counted and logged. */
  reject(link: LinkContext, reason: string, detail: string, device?: string): void {
    this.d.metrics.inc("solkit_frames_in_total", { link: link.name.split(":")[0] });
    this.rejected(link, reason, detail, device);
  }

  /** True (once) when an MQTT reading is the gateway's own publication coming back. */
  isEcho(device: string, seq: number): boolean {
    return this.echoes.delete(`${device}#${seq}`);
  }

  /** Readings waiting for a signature, per device id. */
  pendingCount(device: string): number {
    return this.pending.get(device)?.length ?? 0;
  }

  /**
   * Handles every queued frame now, in one transaction; then sends acks and notifies. With a
   * verify worker the queued frames' signatures go to it first, and the transaction runs when
   * its verdicts are back; frames that arrive meanwhile wait for the next batch, whose
   * signatures the worker checks while this one commits.
   */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    if (this.precheck === undefined) {
      const jobs = this.queue;
      this.queue = [];
      this.commitBatch(jobs);
      return;
    }
    this.precheck.next(this.queue, () => this.flush(), (jobs) => this.commitBatch(jobs));
  }

  /** Commits everything queued or on the worker (a gateway stopping). */
  async drain(): Promise<void> {
    this.flush();
    await this.precheck?.drain(() => this.flush());
    await this.wal.idle();
  }

  private commitBatch(jobs: Job[]): void {
    this.batchDevices.clear();
    const b = newBatch(jobs);
    this.batch = b;
    const spoolBefore = this.d.spool.snapshot();
    try {
      // A failed sync: stored but not known to be on disk, so nothing of it may be acked.
      this.wal.commit(() => this.handleBatch(b), (err) => (err ? this.store.failed(err, jobs.length) : this.committed(b)));
    } catch (e) {
      // The transaction rolled back: nothing stored, so nothing may be acked, and what this
      // process counted for it in memory goes back too (issue 11).
      this.d.spool.restore(spoolBefore);
      for (const echo of b.echoes) this.echoes.delete(echo);
      for (const p of this.pending.values()) p.length = 0;
      this.d.registry.dropKept(); // advance() moved kept chain states the database did not keep
      this.store.failed(e as Error, jobs.length);
    }
  }

  /** After the batch's commit is on disk: counts, acks, notices, the upstream kick. */
  private committed(b: Batch): void {
    if (b.counts.verified > 0) this.store.works(); // a refusal's counter update proves no space
    this.d.metrics.inc("solkit_readings_verified_total", {}, b.counts.verified);
    if (b.counts.dropped) this.d.metrics.inc("solkit_dropped_declared_total", {}, b.counts.dropped);
    for (const { device, link } of b.acks.values()) this.sendAck(device, link);
    for (const a of b.accepted.values()) this.d.onAccepted?.(a);
    for (const v of b.verified) this.sayVerified(v);
    if (b.spooledItems.length > 0) {
      this.d.spool.committed(b.spooledItems);
      this.d.onSpooled?.();
    }
  }

  /** One line per signature's worth of readings, after they are safely stored (issue 13: the host speaks). */
  private sayVerified(v: VerifiedBatch): void {
    this.d.logger.log("info", "verified", `device=${v.device} ${verifiedText(v.readings)}`);
    this.d.onVerified?.(v);
  }

  /**
   * One frame through the named steps: look up → dedup (and relink a re-sent earlier seq) →
   * verify (and relink on a broken chain) → hold while unsigned, or commit. The ack leaves
   * from flush(), after the batch's transaction. A step returns an Outcome when the frame
   * ends there, or what the next step needs.
   */
  private handle(job: Job): Outcome {
    const c = this.lookUp(job);
    if (isOutcome(c)) return c;
    const d = this.dedup(c);
    if (d !== undefined) return d;
    const v = this.verify(c);
    if (isOutcome(v)) return v;
    return v.status === PENDING ? this.hold(c, v) : this.commit(c, v);
  }

  /** Step 1: a reading frame from a registered device (the batch's own updates applied). */
  private lookUp(job: Job): FrameCtx | Outcome {
    const { frame, link } = job;
    if (frame.kind !== KIND_READING) {
      this.rejected(link, "E_KIND", `kind ${frame.kind} came uplink; acks and tokens travel host → device only`);
      return NOTHING;
    }
    // Decoded once: the verify thread's slicing may have done it already (precheck.ts).
    const decoded = decodeJob(job);
    const reading = decoded?.reading ?? decodeReading(frame.message); // a malformed one throws its reason here
    const id = decoded?.id ?? deviceIdOf(reading.deviceId);
    if (!this.batchDevices.has(id)) this.batchDevices.set(id, this.d.registry.hot(id));
    const dev = this.batchDevices.get(id);
    if (!dev) {
      this.rejected(link, "E_UNKNOWN_DEVICE", `seq ${reading.seq}: not in the registry; add it with 'solkit host add-device ${id} --hmac-key-file FILE'`, id);
      return NOTHING;
    }
    const pend = this.pending.get(id) ?? [];
    return {
      job, reading, id, dev, now: this.now(), hash: readingHash(frame.message, sha256), pend,
      tipSeq: pend.length ? pend[pend.length - 1].reading.seq : dev.state.lastSeq,
      item: { reading: frame.message, signature: frame.signature },
    };
  }

  /**
   * Step 2: a seq at or below the stored tip is a duplicate (ack again) or a replay; at or
   * below the pending tip it is the same reading sent again, or one that relinks earlier
   * (the pending readings after that point are dropped). Undefined: go on to verify.
   */
  private dedup(c: FrameCtx): Outcome | undefined {
    const { reading, dev, id, job } = c;
    if (reading.seq <= dev.state.lastSeq) {
      const stored = this.d.readings.hashOf(id, reading.seq);
      if (stored && equalBytes(stored, c.hash)) {
        this.d.metrics.inc("solkit_duplicates_total");
        this.d.logger.log("debug", "duplicate", `device=${id} seq=${reading.seq} already stored; acking ${dev.state.lastSeq} again`);
        return { ack: dev, spooled: false };
      }
      return this.refuse(dev, job.link, "E_REPLAY", `seq ${reading.seq} ≤ last stored ${dev.state.lastSeq} and the bytes differ from the stored reading`, c.now);
    }
    if (reading.seq <= c.tipSeq) {
      const at = c.pend.findIndex((p) => p.reading.seq === reading.seq);
      const same = at >= 0 && equalBytes(c.pend[at].hash, c.hash);
      if (same && (c.item.signature.length === 0 || c.pend[at].item.signature.length > 0)) return NOTHING; // sent again while still pending
      if (same) {
        // The same reading again, now signed (issue 11, F1): it may prove the chain, so it is
        // verified in its unsigned copy's place. Without this, stripped copies injected first
        // kept a device's readings unauthenticated for as long as an attacker liked. The
        // pending readings after it wait again: the device re-sends what is not acked.
        c.pend = c.pend.slice(0, at);
        this.pending.set(id, c.pend);
        c.tipSeq = at > 0 ? c.pend[at - 1].reading.seq : dev.state.lastSeq;
        return undefined;
      }
      const keep = relinkPoint(c.pend, dev.state, reading);
      if (keep < 0) return this.refuse(dev, job.link, "E_REPLAY", `seq ${reading.seq} ≤ ${c.tipSeq}, a reading already waiting for its signature`, c.now);
      c.pend = this.dropCandidates(id, c.pend, keep, reading.seq);
      c.tipSeq = c.pend.length ? c.pend[c.pend.length - 1].reading.seq : dev.state.lastSeq;
    }
    return undefined;
  }

  /**
   * Step 3: the reading links to the tip (the pending one, or the stored chain state, or the
   * anchor of a device registered with anchor "first"). Pending readings were checked when
   * they came; the new one only has to link to the tip (one hash, one signature check), and
   * if signed it proves them all (PROTOCOL.md 7, step 7). A broken link may relink earlier.
   */
  private verify(c: FrameCtx): Verified | Outcome {
    const { reading, dev, id, job } = c;
    let state = dev.state;
    if (dev.anchor === "first" && dev.state.lastSeq < 0 && c.pend.length === 0 && this.d.readings.count(id) === 0) {
      state = { lastSeq: reading.seq - 1 - reading.dropped, lastHash: reading.prev };
      this.d.logger.log("info", "anchor", `device=${id} chain anchored at its first reading seen, seq ${reading.seq} (registered with anchor "first")`);
    }
    const tip = c.pend.length ? { lastSeq: c.tipSeq, lastHash: c.pend[c.pend.length - 1].hash } : state;
    let result = verifyChain([c.item], tip, dev.publicKey, this.verifier, sha256);
    let verdict = result.verdicts[0];
    if ((verdict.reason === "E_CHAIN_BROKEN" || verdict.reason === "E_GAP") && c.pend.length > 0) {
      const keep = relinkPoint(c.pend, state, reading);
      if (keep >= 0 && keep < c.pend.length) {
        c.pend = this.dropCandidates(id, c.pend, keep, reading.seq);
        const at = c.pend.length ? { lastSeq: c.pend[c.pend.length - 1].reading.seq, lastHash: c.pend[c.pend.length - 1].hash } : state;
        result = verifyChain([c.item], at, dev.publicKey, this.verifier, sha256);
        verdict = result.verdicts[0];
      }
    }
    if (verdict.status !== PENDING && verdict.status !== AUTHENTICATED) {
      const refused = this.refuse(dev, job.link, verdict.reason, explain(verdict.reason, reading, c.tipSeq, c.pend.length ? c.pend[c.pend.length - 1].hash : state.lastHash), c.now);
      // A reading ahead of the chain (a cable was out, lines were lost): an ack of the durable
      // tip tells the device where the host stands, so it resends from there at once.
      return verdict.reason === "E_GAP" && dev.state.lastSeq >= 0 ? { ack: dev, spooled: false } : refused;
    }
    return { status: verdict.status, state: result.state, all: c.pend.concat([{ item: c.item, reading, hash: c.hash, receivedAt: job.receivedAt }]) };
  }

  /** Step 4a: an unsigned reading that links waits in memory (not stored, not acked). */
  private hold(c: FrameCtx, v: Verified): Outcome {
    if (c.pend.length >= MAX_PENDING) return this.refuse(c.dev, c.job.link, "E_PENDING_FULL", `${MAX_PENDING} unsigned readings already wait for a signature`, c.now);
    this.pending.set(c.id, v.all);
    this.d.registry.seen(c.id, v.all.length, c.job.link.name, c.now);
    return NOTHING;
  }

  /**
   * Step 4b: a signed reading proves itself and the pending ones before it: all are stored,
   * spooled upstream and the chain state advanced, inside the batch's transaction. Refused
   * (not acked, the device keeps them) when the upstream spool cannot take them.
   */
  private commit(c: FrameCtx, v: Verified): Outcome {
    const { id, dev, reading, job } = c;
    const link = job.link;
    const topic = buildTopic(this.d.site, id, "reading");
    const payloads = link.relay ? v.all.map((p) => relayPayload(id, p.reading, p.item.reading, p.item.signature, p.hash)) : [];
    const size = payloads.reduce((n, p) => n + p.length + topic.length, 0);
    if (link.relay && !this.d.spool.fits(size)) {
      this.d.spool.noteRefused();
      this.d.onSpooled?.();
      return this.refuse(dev, link, "E_SPOOL_FULL", `upstream spool full (${this.d.spool.bytes} of ${this.d.spool.maxBytes} bytes); not acked, the device keeps the readings`, c.now);
    }
    let dropped = 0;
    v.all.forEach((p, i) => {
      this.d.readings.add({ device: id, seq: p.reading.seq, bytes: p.item.reading, sig: p.item.signature, hash: p.hash, bySeq: reading.seq, receivedAt: p.receivedAt });
      if (link.relay) {
        const spoolId = this.d.spool.push(topic, payloads[i], p.receivedAt);
        this.batch.spooledItems.push({ id: spoolId, topic, payload: payloads[i], receivedAt: p.receivedAt });
        if (this.d.upstreamIsLocal) this.rememberEcho(id, p.reading.seq);
      }
      if (p.reading.dropped > 0) {
        dropped += p.reading.dropped;
        // The first reading after a boot also skips the sequence numbers the last boot reserved
        // and never used: those are not drops, and "outbox full" would send someone looking
        // for a problem that is not there (issue 11).
        const why = (p.reading.flags & FLAG_FIRST_AFTER_BOOT) !== 0
          ? "at a reboot: sequence numbers reserved and unused, or readings its full outbox dropped before it"
          : "its outbox was full";
        this.d.logger.log(
          (p.reading.flags & FLAG_FIRST_AFTER_BOOT) !== 0 ? "info" : "warn", "gap",
          `device=${id} skipped ${p.reading.dropped} sequence number(s) before seq ${p.reading.seq} (${why}); energy registers are cumulative, nothing billed is lost`,
        );
      }
    });
    this.d.registry.advance(id, v.state, v.all.length, dropped, link.name, c.now, reading.outbox);
    this.pending.delete(id);
    this.batch.counts.verified += v.all.length; // counted once the batch commits
    this.batch.verified.push({ device: id, bySeq: reading.seq, readings: v.all.map((p) => ({ reading: p.reading, receivedAt: p.receivedAt })) });
    this.batch.counts.dropped += dropped;
    const fresh = { ...dev, state: v.state };
    this.batchDevices.set(id, fresh);
    return { ack: fresh, accepted: { device: fresh, reading, receivedAt: job.receivedAt, link }, spooled: link.relay };
  }

  /** Keeps the first `keep` pending readings; the rest were contradicted by a reading that links earlier. */
  private dropCandidates(id: string, pend: Pending[], keep: number, bySeq: number): Pending[] {
    const dropped = pend.slice(keep);
    this.d.metrics.inc("solkit_pending_replaced_total", {}, dropped.length);
    this.d.logger.log("warn", "replace", `device=${id} dropped ${dropped.length} unsigned pending reading(s) from seq ${dropped[0].reading.seq}: seq ${bySeq} links to the chain before them (a corrupted or forged line; the device still holds the genuine ones)`);
    const kept = pend.slice(0, keep);
    this.pending.set(id, kept);
    return kept;
  }

  private refuse(dev: DeviceRecord, link: LinkContext, reason: string, detail: string, now: number): Outcome {
    this.d.registry.countRejected(dev.id, reason, now);
    this.rejected(link, reason, detail, dev.id);
    return NOTHING;
  }

  private rejected(link: LinkContext, reason: string, detail: string, device?: string): void {
    this.d.metrics.inc("solkit_rejected_total", { reason });
    const event = reason === "E_GAP" ? "gap" : "reject";
    this.d.logger.log("warn", event, `${device ? `device=${device} ` : ""}link=${link.name} reason=${reason}: ${detail}`);
  }

  private rememberEcho(device: string, seq: number): void {
    if (this.echoes.size >= 100_000) this.echoes.delete(this.echoes.values().next().value as string);
    this.echoes.add(`${device}#${seq}`);
    this.batch.echoes.push(`${device}#${seq}`);
  }

  /**
   * A commit failed. A full disk (SQLITE_FULL) is said once, with the file and what to do, and
   * the gateway goes on refusing to ack until a commit works again; anything else is logged
   * per batch. Either way the devices keep their readings and send them again.
   */
  private sendAck(device: DeviceRecord, link: LinkContext): void {
    try {
      const ack = encodeAck({ deviceId: device.publicKey, seq: device.state.lastSeq, hostTime: Math.floor(this.now() / 1000) }, device.hmacKey, sha256);
      link.sendAck(device, ack);
      this.d.metrics.inc("solkit_acks_sent_total");
      this.d.logger.log("debug", "ack", `device=${device.id} seq=${device.state.lastSeq} via ${link.name}`);
    } catch (e) {
      this.d.logger.log("warn", "ack", `device=${device.id} ack not sent via ${link.name}: ${(e as Error).message}; the device will resend and be acked then`);
    }
  }
}
