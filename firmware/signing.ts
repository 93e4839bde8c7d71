/**
 * Signs readings with the incremental Ed25519 signer, one step per event-loop slice
 * (`timers.after(0, …)`), so that serial, the link and the watchdog keep running while a
 * signature is under way (DESIGN.md, "Espruino facts"). Only the newest request matters:
 * one signature covers every reading before it through the hash chain (PROTOCOL.md 2.1), so
 * a request that arrives while a job runs replaces any request still waiting.
 *
 * Portable code: see docs/portability.md.
 */
import { MAX_UNIT_COST, startSigning } from "../shared/crypto/ed25519/signer";
import type { HashFn, SigningJob } from "../shared/crypto/types";
import { readingSigningInput } from "../shared/protocol/reading";
import type { Clock, Timers } from "./hal";

/** Called with the reading's seq and its 64-byte signature when a job completes. */
export type SignedHandler = (seq: number, signature: Uint8Array) => void;

/** The event-loop time one signing step aims at: under issue 9's 20 ms bound with room to spare. */
export const SLICE_MS = 8;

export class SigningScheduler {
  private job: SigningJob | undefined = undefined;
  private jobSeq = -1;
  private waiting: { seq: number; bytes: Uint8Array } | undefined = undefined;
  private stopped = false;
  /** Field multiplications the next step may spend (adapt()). */
  private stepBudget: number;
  /** Signatures completed, steps taken, the longest step in ms (uptime clock) since boot. */
  signatures = 0;
  steps = 0;
  longestStepMs = 0;
  /** Why the last job failed (the Espruino full build's table file missing or damaged: E_TABLE); cleared by a success. */
  failure: { code?: string; message?: string } | undefined = undefined;

  constructor(
    private readonly timers: Timers,
    private readonly clock: Clock,
    private readonly seed: Uint8Array,
    private readonly publicKey: Uint8Array,
    private readonly sha512: HashFn | undefined,
    private readonly budget: number,
    private readonly onSigned: SignedHandler,
  ) {
    // Start small and grow (adapt): the first step after boot must not block for `budget`
    // multiplications before the clock has said what one costs here.
    this.stepBudget = Math.min(budget, MAX_UNIT_COST);
  }

  /** Asks for a signature of reading `bytes` (seq `seq`); starts now or after the running job. */
  request(seq: number, bytes: Uint8Array): void {
    if (this.job !== undefined) {
      if (seq !== this.jobSeq) this.waiting = { seq: seq, bytes: bytes };
      return;
    }
    this.begin(seq, bytes);
  }

  /** True while a job runs or waits. */
  busy(): boolean {
    return this.job !== undefined;
  }

  /** The seq being signed, or -1. */
  signingSeq(): number {
    return this.job === undefined ? -1 : this.jobSeq;
  }

  /** One line for status(): idle, or the job's progress. */
  describe(): string {
    if (this.job === undefined) {
      return `idle (${this.signatures} signed, longest step ${this.longestStepMs} ms)${this.failure ? `; last signature failed: ${this.failure.code}: ${this.failure.message}` : ""}`;
    }
    const p = this.job.progress();
    return `signing seq ${this.jobSeq}: step ${p.done}/${p.total}`;
  }

  /** Stops scheduling steps (tests, reboot). */
  stop(): void {
    this.stopped = true;
  }

  private begin(seq: number, bytes: Uint8Array): void {
    this.jobSeq = seq;
    this.job = startSigning(this.seed, readingSigningInput(bytes), {
      sha512: this.sha512, budget: this.budget, publicKey: this.publicKey,
    });
    const self = this;
    this.timers.after(0, function () {
      self.slice();
    });
  }

  /**
   * Fits the next step into SLICE_MS of the real clock: a field multiplication costs ~1.3 ms
   * on the desktop build of Espruino and several times that on an ESP32, so a fixed budget
   * either blocks the loop for 50–115 ms (issue 9) or wastes slices on a fast board. The
   * budget shrinks at once when a step ran long and grows by a quarter when it ran short;
   * never past the configured budget, never below one unit.
   */
  private adapt(dt: number): void {
    if (dt > SLICE_MS) {
      this.stepBudget = Math.max(1, Math.floor((this.stepBudget * SLICE_MS) / dt));
    } else if (dt < SLICE_MS / 2 && this.stepBudget < this.budget) {
      this.stepBudget = Math.min(this.budget, this.stepBudget + Math.max(1, Math.floor(this.stepBudget / 4)));
    }
  }

  private slice(): void {
    const job = this.job;
    if (this.stopped || job === undefined) return;
    const t0 = this.clock.uptimeMs();
    let done: boolean;
    try {
      done = job.step(this.stepBudget);
    } catch (e) {
      // Nothing a retry now would mend (a missing table stays missing): drop the job and say
      // why in status(); the next reading asks again, and the readings wait unsigned, chained.
      this.failure = e as { code?: string; message?: string };
      this.job = undefined;
      this.waiting = undefined;
      return;
    }
    const dt = this.clock.uptimeMs() - t0;
    this.steps++;
    if (dt > this.longestStepMs) this.longestStepMs = dt;
    this.adapt(dt);
    const self = this;
    if (!done) {
      this.timers.after(0, function () {
        self.slice();
      });
      return;
    }
    const seq = this.jobSeq;
    const sig = job.signature();
    this.job = undefined;
    this.jobSeq = -1;
    this.signatures++;
    this.failure = undefined; // "last signature failed" says what is true now
    const next = this.waiting;
    this.waiting = undefined;
    this.onSigned(seq, sig);
    if (next !== undefined && next.seq > seq && this.job === undefined) this.begin(next.seq, next.bytes);
  }
}
