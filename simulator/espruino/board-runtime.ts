/**
 * The state of an emulated Espruino board that is not JavaScript: clocks, seeded randomness,
 * the watchdog, deferred reset()/load()/save(), and the Machine the globals are built on.
 * board.ts adds the lifecycle and the running of code.
 *
 * Watchdog (src/jswrap_espruino.c E.enableWatchdog): `isAuto` undefined or true means the
 * interpreter kicks it whenever it returns to the idle loop, so only a callback that never
 * returns trips it (here: one that runs past `callbackTimeoutMs` of wall time); with
 * `isAuto` false the program must call E.kickWatchdog() within the timeout of VIRTUAL time or
 * the board resets. Like the chip's independent watchdog it survives reset()/load() and only
 * a hardware reset stops it. (Espruino's docs say it is implemented on STM32 and nRF5x; it is
 * emulated on every board here.)
 *
 * reset(), load() and save() take effect once the current command returns, as Espruino
 * defers them (JSIS_TODO_RESET / _FLASH_LOAD / _FLASH_SAVE).
 */
import vm from "node:vm";
import type { UsbConsole } from "./console";
import type { EventLoop, Scheduled } from "./event-loop";
import type { Flash } from "./flash";
import type { Machine } from "./globals";
import { estimateVars } from "./memory";
import type { NetModule } from "./net";
import type { PinBank } from "./pins";
import { binaryStringToBytes, type Realm } from "./realm";
import type { FlashStorage } from "./storage";
import type { EspruinoBoardOptions, ResetRecord } from "./board-options";

/** splitmix32: small, fast, good enough for a deterministic stand-in of a hardware RNG. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

type Pending = { kind: "reset"; clearFlash: boolean } | { kind: "load"; file?: string } | { kind: "save" } | { kind: "reboot" };

/** Where the untrusted E.hwRand starts at every boot of every board. */
const UNTRUSTED_HWRAND_SEED = 0x5eed;

export abstract class BoardRuntime {
  isOn = false;
  /** A callback ran past callbackTimeoutMs with no watchdog: the board does nothing more. */
  hung = false;
  /** Callbacks that ran past callbackTimeoutMs. */
  hangs = 0;
  readonly resets: ResetRecord[] = [];
  readonly jsVars: number;
  readonly seed: number;
  readonly version: string;
  readonly boardName: string;
  protected callbackTimeoutMs: number;
  protected bootAt = 0;
  protected timeOffsetMs = 0;
  protected networkUp = true;
  protected net: NetModule | undefined;
  protected context: vm.Context | undefined;
  protected realm: Realm | undefined;
  protected initHandlers: unknown[] = [];
  /** Code run this boot (uploads, console lines): what save() keeps. */
  protected uploaded: string[] = [];
  protected baseline: Set<string> = new Set();
  protected watchdog: { timeoutMs: number; auto: boolean; lastKick: number } | undefined;
  protected watchdogEntry: Scheduled | undefined;
  /** Runs a batch of event-loop work inside one timed evaluation (board.advance). */
  protected readonly batchScript = new vm.Script("__espruinoSimBatch()", { filename: "espruino-event-loop" });
  /** Evaluating nothing drains the context's microtask queue (microtaskMode "afterEvaluate"). */
  protected readonly drainScript = new vm.Script("0");
  protected batchBody: () => void = () => {};
  protected inBatch = false;
  protected current: { what: string; t0: number } | undefined;
  private hwRng: { s: number };
  private readonly trustedRng: boolean;
  private mathRng: { s: number } = { s: 0 };
  private pending: Pending | undefined;
  private bootCount = 0;

  protected constructor(opts: EspruinoBoardOptions, _flash: Flash) {
    this.jsVars = opts.jsVars;
    this.seed = opts.seed;
    this.version = opts.version ?? "2v29";
    this.boardName = opts.boardName ?? "ESP32";
    this.callbackTimeoutMs = opts.callbackTimeoutMs ?? 10_000;
    this.trustedRng = opts.trustedRng === true;
    this.hwRng = { s: opts.seed ^ 0x5eed };
  }

  abstract get now(): number;
  abstract hardReset(reason: ResetRecord["reason"]): void;
  protected abstract softReset(o: { isReset: boolean; loadState: boolean }, reason: ResetRecord["reason"], file?: string): void;
  abstract readonly loop: EventLoop;
  abstract readonly storage: FlashStorage;
  abstract readonly console: UsbConsole;

  /** getTime() at virtual time `ms`: seconds since boot, or since setTime()'s epoch. */
  secondsAt(ms: number): number {
    return (ms - this.bootAt + this.timeOffsetMs) / 1000;
  }

  /** Longest callback so far (wall-clock ms) and where. */
  get longestBlock(): { ms: number; at: number; what: string } {
    const s = this.loop.stats;
    return { ms: s.longestBlockMs, at: s.longestBlockAt, what: s.longestBlockWhat };
  }

  protected machineFor(
    loop: EventLoop, pins: PinBank, storage: FlashStorage, console: UsbConsole, net: NetModule,
    x: { setBootCode: (code: string, alwaysExec: boolean) => void; memoryOf: () => number },
  ): Machine {
    this.mathRng = { s: (this.seed * 31 + ++this.bootCount) | 0 };
    // The real port's E.hwRand restarts one constant sequence at every boot (rand() with fixed seeds).
    if (!this.trustedRng) this.hwRng = { s: UNTRUSTED_HWRAND_SEED };
    return {
      loop, pins, storage, console, net,
      version: this.version,
      boardName: this.boardName,
      powered: () => this.isOn,
      getTimeS: () => this.secondsAt(loop.now),
      setTimeS: (s) => {
        this.timeOffsetMs = s * 1000 - (loop.now - this.bootAt);
      },
      hwRand: () => splitmix32(this.hwRng),
      random: () => splitmix32(this.mathRng) / 4294967296,
      memory: () => {
        const usage = Math.min(this.jsVars, x.memoryOf());
        return { free: this.jsVars - usage, usage, total: this.jsVars };
      },
      sizeOf: (v) => estimateVars(v, new Set()),
      enableWatchdog: (t, auto) => this.enableWatchdog(t, auto),
      kickWatchdog: () => {
        if (this.watchdog) this.watchdog.lastKick = loop.now;
      },
      setBootCode: x.setBootCode,
      requestReset: (clearFlash) => {
        this.pending = { kind: "reset", clearFlash };
      },
      requestLoad: (file) => {
        this.pending = { kind: "load", file };
      },
      requestSave: () => {
        this.pending = { kind: "save" };
      },
      reboot: () => {
        this.pending = { kind: "reboot" };
      },
      initHandlers: this.initHandlers,
    };
  }

  private enableWatchdog(timeoutS: number, auto: boolean): void {
    if (!(timeoutS >= 0)) timeoutS = 1;
    this.watchdog = { timeoutMs: timeoutS * 1000, auto, lastKick: this.loop.now };
    this.armWatchdog();
  }

  private armWatchdog(): void {
    this.loop.cancel(this.watchdogEntry);
    const wd = this.watchdog;
    if (!wd || wd.auto) return;
    this.watchdogEntry = this.loop.schedule(wd.lastKick + wd.timeoutMs, () => {
      const w = this.watchdog;
      if (!w || !this.isOn) return;
      if (this.loop.now - w.lastKick >= w.timeoutMs) this.hardReset("watchdog");
      else this.armWatchdog();
    });
  }

  /** After each callback: auto-kick, deferred actions, the console's prompt. */
  protected afterCallback(): void {
    if (this.watchdog && this.watchdog.auto) this.watchdog.lastKick = this.loop.now;
    const p = this.pending;
    this.pending = undefined;
    if (p) this.runPending(p);
    if (this.isOn) this.console.idle();
  }

  private runPending(p: Pending): void {
    if (p.kind === "reboot") return this.hardReset("reboot");
    if (p.kind === "save") {
      this.console.printLine("Compacting Flash...");
      this.storage.erase(".varimg");
      this.storage.compact();
      this.console.printLine("Calculating Size...");
      const image = binaryStringToBytes(this.uploaded.join("\n;\n"));
      if (image.length === 0) return;
      this.console.printLine("Writing..");
      this.storage.write(".varimg", image);
      this.console.printLine(`Compressed ${this.jsVars * 16} bytes to ${image.length}`);
      return;
    }
    const keep = this.watchdog;
    if (p.kind === "reset") {
      if (p.clearFlash) for (const f of [".varimg", ".bootcde", ".bootrst"]) this.storage.erase(f);
      this.softReset({ isReset: true, loadState: false }, "reset()");
    } else {
      this.softReset({ isReset: false, loadState: true }, "load()", p.file);
    }
    this.watchdog = keep;
    this.armWatchdog();
  }
}
