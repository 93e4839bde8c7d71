/**
 * How an emulated Espruino board runs code: uploads, console lines and boot files evaluated as
 * scripts; timer, watch and socket callbacks called directly, each followed by a microtask
 * drain (promise reactions run before the next event). Every run is one event-loop callback:
 * measured in wall-clock time, its uncaught error printed as "Uncaught …", and followed by
 * the board's idle work (watchdog auto-kick, deferred reset/load/save, the prompt).
 *
 * Hang protection: node:vm can only interrupt code through an evaluation's `timeout`, which
 * costs ~65 µs per call (a watchdog thread each time). So `advance` runs callbacks in
 * batches of up to BATCH_MS wall-clock inside ONE timed evaluation (~1.8 µs per callback
 * measured); a callback still running after `callbackTimeoutMs` is terminated: with the
 * watchdog on the board resets, without it the board is hung (as a real one would be).
 */
import vm from "node:vm";
import { performance } from "node:perf_hooks";
import { BoardRuntime } from "./board-runtime";
import { PowerCutError } from "./flash";
import { withBoundGlobals } from "./bound-globals";
import { describeThrown } from "./format";

export abstract class BoardExec extends BoardRuntime {
  /**
   * Moves virtual time by `ms`, running what falls due. With a callback time limit, callbacks
   * run in batches inside one timed vm evaluation (a vm timeout per call costs ~65 µs, a
   * batch costs that once per BATCH_MS of work); a callback that runs past the limit is
   * terminated and counts as a hang.
   */
  advance(ms: number): void {
    const target = this.loop.now + Math.max(0, ms);
    for (;;) {
      const context = this.context;
      if (!context || this.callbackTimeoutMs <= 0 || this.inBatch) return this.loop.advance(target - this.loop.now);
      const deadline = performance.now() + BATCH_MS;
      let done = false;
      this.batchBody = () => {
        this.loop.advance(target - this.loop.now, () => performance.now() > deadline);
        done = this.loop.now >= target && this.loop.nextAt() > target;
      };
      this.inBatch = true;
      try {
        this.batchScript.runInContext(context, { timeout: this.callbackTimeoutMs + BATCH_MS });
      } catch (e: any) {
        if (!(e && e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT")) throw e;
        this.inBatch = false;
        this.onHang();
      } finally {
        this.inBatch = false;
      }
      if (done) return;
    }
  }

  /**
   * Runs source text in the board's context as one event-loop callback. Code from a Storage
   * file (boot files, load()) is not recorded as uploaded, and runs with its globals bound
   * (bound-globals.ts): nobody reads its completion value.
   */
  protected evaluate(code: string, filename: string, fromStorage = false): { ok: boolean; value?: unknown } {
    if (!this.isOn || this.hung || !this.context) return { ok: false };
    if (!fromStorage && filename !== ".varimg") this.uploaded.push(code);
    let script: vm.Script;
    try {
      script = compiled(code, filename, fromStorage);
    } catch (e) {
      this.console.printLine(`Uncaught ${describeThrown(e)}`);
      return { ok: false };
    }
    return this.run(filename, () => script.runInContext(this.context as vm.Context, this.runOptions()));
  }

  /** Runs one JS function (or string of code) from the event loop. */
  protected invoke(what: string, fn: unknown, args: unknown[]): void {
    if (!this.isOn || this.hung || !this.context) return;
    const context = this.context;
    this.run(what, () => {
      const r = typeof fn === "string" ? vm.runInContext(fn, context) : (fn as (...a: unknown[]) => unknown).apply(undefined, args);
      // Promise reactions the callback queued run now, before the next event (as on the board);
      // a drain is an evaluation, so only when the program queued one (its then ran).
      const queued = this.realm?.microtasks;
      if (this.context === context && queued !== undefined && queued.queued) {
        queued.queued = false;
        this.drainScript.runInContext(context);
      }
      return r;
    });
  }

  /** A timeout per evaluation only at the top level: inside a batch the batch's limit holds. */
  private runOptions(): vm.RunningScriptOptions {
    return this.callbackTimeoutMs > 0 && !this.inBatch ? { timeout: this.callbackTimeoutMs } : {};
  }

  private run(what: string, body: () => unknown): { ok: boolean; value?: unknown } {
    const t0 = performance.now();
    this.current = { what, t0 };
    let result: { ok: boolean; value?: unknown } = { ok: true };
    try {
      result = { ok: true, value: body() };
    } catch (e: any) {
      result = { ok: false };
      if (e instanceof PowerCutError || !this.isOn) {
        // The board is off: nothing more happens.
      } else if (e && e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
        this.onHang();
        return result;
      } else {
        this.console.printLine(`Uncaught ${describeThrown(e)}`);
      }
    }
    this.current = undefined;
    this.loop.recordBlock(performance.now() - t0, what);
    if (this.isOn && !this.hung) this.afterCallback();
    return result;
  }

  /** The running callback was terminated for running past callbackTimeoutMs. */
  private onHang(): void {
    const c = this.current;
    this.current = undefined;
    if (c) this.loop.recordBlock(performance.now() - c.t0, c.what);
    this.hangs++;
    if (this.watchdog) this.hardReset("watchdog");
    else this.hung = true;
  }
}

/**
 * Scripts compiled once per source text: a fleet's boards all boot the same bundle, and one
 * vm.Script run in many contexts shares its bytecode between them (each context still gets
 * its own closures and objects). Only large sources are kept (bundles, not console lines).
 */
const scripts = new Map<string, vm.Script>();
const SHARED_SCRIPT_BYTES = 4096;
const SHARED_SCRIPTS = 8;

function compiled(code: string, filename: string, fromStorage: boolean): vm.Script {
  const source = (): string => (fromStorage ? withBoundGlobals(code) : code);
  if (code.length < SHARED_SCRIPT_BYTES) return new vm.Script(source(), { filename });
  const key = (fromStorage ? "S" : "T") + filename + "\0" + code;
  let script = scripts.get(key);
  if (script === undefined) {
    script = new vm.Script(source(), { filename });
    if (scripts.size >= SHARED_SCRIPTS) scripts.delete(scripts.keys().next().value as string);
    scripts.set(key, script);
  }
  return script;
}

/** Wall-clock work per timed evaluation. */
const BATCH_MS = 50;

/** A console line is complete unless the parser ran out of input (open brace, string…). */
export function isComplete(code: string): boolean {
  try {
    new vm.Script(code);
    return true;
  } catch (e: any) {
    return !(e instanceof SyntaxError && /Unexpected end of input|Unterminated template/.test(e.message));
  }
}

