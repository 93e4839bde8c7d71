/**
 * The verify thread's side of the pipeline (issue 15): a batch's signatures are checked on a
 * worker thread (host/crypto/verify-worker.ts) in slices of PRECHECK_BATCH frames, while the
 * event loop commits the slice before. The chain check then takes the worker's verdict only
 * for exactly the same (message, signature, key) bytes (PrecheckedVerifier).
 *
 * Only readings the chain check would verify go to the worker: frames of unknown devices and
 * seqs already stored are refused before any signature check, so a stranger replaying public
 * readings costs no verification here either.
 */
import { deviceIdOf } from "../crypto/device-id";
import type { Verifier } from "../../shared/crypto/types";
import { KIND_READING } from "../../shared/protocol/common";
import type { Frame } from "../../shared/protocol/frame";
import { decodeReading, READING_LENGTH, readingSigningInput, type Reading } from "../../shared/protocol/reading";
import { PrecheckedVerifier, type VerifyItem, type VerifyWorker } from "../crypto/verify-worker";
import type { Logger } from "./log";

/** Frames per slice checked on the verify worker (about 40 ms of its time). */
export const PRECHECK_BATCH = 256;

/** At most this many queued frames are verified on the event loop when the worker is idle (latency at low rates). */
export const INLINE_MAX = 4;

/** A frame waiting in the pipeline; its reading and device id once decoded (decoded once). */
export interface Job {
  frame: Frame;
  link: { name: string };
  receivedAt: number;
  reading?: Reading;
  id?: string;
}

/**
 * The reading of a reading frame and its device id, kept on the job; undefined when the frame
 * is not a well-formed reading (the chain check refuses it with its reason).
 */
export function decodeJob(job: Job): { reading: Reading; id: string } | undefined {
  if (job.reading !== undefined && job.id !== undefined) return { reading: job.reading, id: job.id };
  if (job.frame.kind !== KIND_READING || job.frame.message.length !== READING_LENGTH) return undefined;
  try {
    job.reading = decodeReading(job.frame.message);
  } catch {
    return undefined;
  }
  job.id = deviceIdOf(job.reading.deviceId);
  return { reading: job.reading, id: job.id };
}

export class Precheck<J extends Job> {
  /** The verifier the chain checks use: the worker's verdicts for the slice being committed. */
  readonly verifier: PrecheckedVerifier;
  /** A slice is on the worker (one at a time). */
  private busy = false;
  /** That slice, until it has committed. */
  private inFlight: Promise<void> | undefined;

  /** @param tipOf the stored tip seq of a registered device, undefined for a stranger */
  constructor(private readonly worker: VerifyWorker, verifier: Verifier, private readonly tipOf: (id: string) => number | undefined, private readonly logger: Logger) {
    this.verifier = new PrecheckedVerifier(verifier);
  }

  /**
   * Sends the next slice of `queue` (taken out of it) to the worker, unless one is there. When
   * its verdicts are back, `again` sends the slice after it first, then `commit` runs this one.
   */
  next(queue: J[], again: () => void, commit: (jobs: J[]) => void): void {
    if (this.busy) return; // flushed again once the slice on the worker is back
    if (queue.length <= INLINE_MAX && this.inFlight === undefined) {
      // A few frames and nothing on the thread or waiting to commit (a slice back from it
      // commits after this call: these must not overtake it): checking them here, about
      // 0.1 ms each, is quicker than the thread's round trip and its extra event-loop turn.
      commit(queue.splice(0, queue.length));
      return;
    }
    const jobs = queue.splice(0, PRECHECK_BATCH);
    const items = this.signedItems(jobs);
    this.busy = true;
    const done = (ok?: Uint8Array) => {
      this.busy = false;
      if (ok) this.verifier.remember(items, ok);
      if (queue.length > 0) again(); // the next slice goes to the worker first…
      try {
        commit(jobs); // …while this one commits here
      } finally {
        this.verifier.forget();
      }
    };
    const p = this.worker.check(items).then(done, () => done()).catch((e: Error) => this.logger.log("error", "pipeline", `batch of ${jobs.length} failed: ${e.message}`));
    this.inFlight = p;
    void p.finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
  }

  /** Waits until every slice sent has committed, flushing what queued meanwhile (a gateway stopping). */
  async drain(flush: () => void): Promise<void> {
    while (this.inFlight) {
      await this.inFlight;
      flush();
    }
  }

  /** The signed readings of a slice that the chain check would verify, as it will verify them. */
  private signedItems(jobs: J[]): VerifyItem[] {
    const items: VerifyItem[] = [];
    const tips = new Map<string, number | undefined>(); // one registry look-up per device per slice
    for (const job of jobs) {
      if (job.frame.signature.length !== 64) continue;
      const r = decodeJob(job);
      if (r === undefined) continue;
      if (!tips.has(r.id)) tips.set(r.id, this.tipOf(r.id));
      const tip = tips.get(r.id);
      if (tip === undefined || r.reading.seq <= tip) continue;
      items.push({ message: readingSigningInput(job.frame.message), signature: job.frame.signature, publicKey: r.reading.deviceId });
    }
    return items;
  }
}
