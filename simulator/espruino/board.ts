/**
 * An emulated Espruino board that runs the exact bundle `solkit flash` uploads: pins, flash
 * Storage, the USB console, TCP, the watchdog, on a virtual-time event loop. Each boot gets a
 * fresh JavaScript context (globals.ts); only the flash survives a power cycle.
 *
 * Boot, as jsiSemiInit/jsfLoadBootCodeFromFlash in Espruino's src/jsinteractive.c and
 * src/jsflash.c do it: the saved state `.varimg` (power-on and load() only), then `.boot0`…
 * `.boot3`, then `.bootrst` if present, else `.bootcde` (not after reset()), then
 * `E.on("init")` handlers and `onInit()`. E.setBootCode(code) writes `.bootcde` (or `.bootrst`
 * with alwaysExec); the Web IDE's "save to flash" writes `.bootcde` with Storage.write chunks
 * and calls load(). save() stores the interpreter's RAM image in `.varimg` on a board; a V8
 * heap cannot be imaged, so here `.varimg` holds the code this boot ran (uploads and console
 * lines) and is replayed: timers restart from the replay, not from where they were.
 */
import { UsbConsole } from "./console";
import { EventLoop, type Scheduled } from "./event-loop";
import { Flash } from "./flash";
import { createBootContext, type Machine } from "./globals";
import { estimateVars } from "./memory";
import { NetModule } from "./net";
import { PinBank, type PinChange, type PinSpec } from "./pins";
import { binaryStringToBytes, bytesToBinaryString, type Realm } from "./realm";
import { FlashStorage } from "./storage";
import type { EspruinoBoardOptions, ResetRecord } from "./board-options";
export type { EspruinoBoardOptions, ResetRecord } from "./board-options";
import { BoardExec, isComplete } from "./board-exec";


export class EspruinoBoard extends BoardExec {
  readonly loop: EventLoop;
  readonly pins: PinBank;
  readonly flash: Flash;
  readonly storage: FlashStorage;
  readonly console: UsbConsole;

  constructor(opts: EspruinoBoardOptions) {
    const flash = opts.flash ?? new Flash(opts.flashBytes, opts.pageBytes);
    super(opts, flash);
    this.flash = flash;
    this.storage = new FlashStorage(flash);
    this.loop = new EventLoop((what, fn, args) => this.invoke(what, fn, args));
    this.pins = new PinBank(opts.pins, this.loop, (what, fn, args) => this.invoke(what, fn, args), (ms) => this.secondsAt(ms));
    this.console = new UsbConsole((code) => this.evaluate(code, "console"), (code) => isComplete(code));
    this.console.setPoster((what, fn, args) => this.loop.schedule(this.loop.now, () => this.invoke(what, fn, args)));
    this.console.attachPackets({
      writeFile: (name, data, offset, size) => this.storage.write(name, data, offset, size),
      after: (ms, fn) => {
        const e = this.loop.schedule(this.loop.now + ms, fn);
        return () => this.loop.cancel(e);
      },
    });
    this.flash.onPowerCut = () => this.powerOff();
    this.flash.powered = false;
  }

  // ---- the host's side: world, tests, pty bridge ----------------------------------------

  /** Virtual time, ms since the board was made. */
  get now(): number {
    return this.loop.now;
  }

  /** Advances in steps, letting real I/O (sockets) happen between them. */
  async advanceAsync(ms: number, stepMs = 10): Promise<void> {
    const end = this.loop.now + ms;
    while (this.loop.now < end) {
      this.loop.advance(Math.min(stepMs, end - this.loop.now));
      await new Promise((r) => setImmediate(r));
    }
  }

  consoleInput(text: string): void {
    if (this.isOn) this.console.feed(text);
  }

  onConsoleOutput(cb: (text: string) => void): () => void {
    return this.console.onOutput(cb);
  }

  consoleConnected(connected: boolean): void {
    this.console.connected = connected;
  }

  setInput(pin: string, level: 0 | 1 | boolean, atMs?: number): void {
    this.pins.setInput(pin, level, atMs);
  }

  pulse(pin: string, count: number, overMs: number, opts?: { at?: number; widthMs?: number; activeLow?: boolean }): void {
    this.pins.pulse(pin, count, overMs, opts);
  }

  setAnalog(pin: string, value: number): void {
    this.pins.setAnalog(pin, value);
  }

  pinLevel(pin: string): 0 | 1 {
    return this.pins.level(this.pins.resolve(pin));
  }

  pinLevelAt(pin: string, t: number): 0 | 1 {
    return this.pins.levelAt(pin, t);
  }

  get pinChanges(): PinChange[] {
    return this.pins.log;
  }

  /** Network (Wi-Fi) up or down for require("net"). */
  setNetworkUp(up: boolean): void {
    this.networkUp = up;
    if (this.net) this.net.setUp(up);
  }

  // ---- lifecycle ------------------------------------------------------------------------

  powerOn(): void {
    if (this.isOn) return;
    this.flash.powered = true;
    this.bootAt = this.loop.now;
    this.timeOffsetMs = 0;
    this.resets.push({ t: this.loop.now, reason: "power-on" });
    this.boot({ isReset: false, loadState: true });
  }

  /** Power gone: RAM, timers, sockets, outputs; the flash keeps what was programmed. */
  powerOff(): void {
    if (!this.isOn) return;
    this.isOn = false;
    this.flash.powered = false;
    this.flash.cancelCut();
    this.teardown(true);
    this.watchdog = undefined;
    this.loop.cancel(this.watchdogEntry);
  }

  /** A hardware reset (reset pin, watchdog, E.reboot): power cycle without losing time. */
  hardReset(reason: ResetRecord["reason"]): void {
    this.powerOff();
    this.flash.powered = true;
    this.bootAt = this.loop.now;
    this.timeOffsetMs = 0;
    this.resets.push({ t: this.loop.now, reason });
    this.boot({ isReset: false, loadState: true });
  }

  /** reset() as typed on the console: a soft reset (only `.bootrst` runs). */
  reset(): void {
    this.softReset({ isReset: true, loadState: false }, "reset()");
  }

  /**
   * Runs `js` as an upload does (no echo, no result print); errors print as "Uncaught …".
   * Returns what the code's last statement evaluated to.
   */
  runCode(js: string, filename = "upload.js"): { ok: boolean; value?: unknown } {
    if (!this.isOn) return { ok: false };
    return this.evaluate(js, filename);
  }

  /** Power cut during the next flash programming: `n` more bytes land, then the power goes. */
  cutAfterBytes(n: number): void {
    this.flash.cutAfterBytes(n);
  }

  // ---- inside ----------------------------------------------------------------------------

  protected boot(o: { isReset: boolean; loadState: boolean }): void {
    this.isOn = true;
    this.hung = false;
    this.net = new NetModule(this.loop, (what, fn, args) => this.invoke(what, fn, args));
    this.net.setUp(this.networkUp);
    this.initHandlers = [];
    this.uploaded = [];
    this.console.boot();
    const { context, realm } = createBootContext(this.machine());
    this.context = context;
    this.realm = realm;
    Object.defineProperty(context, "__espruinoSimBatch", { value: () => this.batchBody() });
    this.baseline = new Set(Object.getOwnPropertyNames(context));
    const files: string[] = [];
    if (o.loadState) files.push(".varimg");
    files.push(".boot0", ".boot1", ".boot2", ".boot3");
    if (this.storage.read(".bootrst") !== undefined) files.push(".bootrst");
    else if (!o.isReset) files.push(".bootcde");
    for (const f of files) {
      const code = this.storage.read(f);
      if (code !== undefined && this.isOn) this.evaluate(bytesToBinaryString(code), f, true);
    }
    for (const fn of this.initHandlers) if (this.isOn) this.invoke("E.on('init')", fn, []);
    if (this.isOn && typeof this.context.onInit === "function") this.invoke("onInit", this.context.onInit, []);
    if (this.isOn) this.console.idle();
  }

  protected softReset(o: { isReset: boolean; loadState: boolean }, reason: ResetRecord["reason"], file?: string): void {
    this.teardown(false);
    this.resets.push({ t: this.loop.now, reason });
    if (file === undefined) return this.boot(o);
    this.boot({ isReset: true, loadState: false });
    const code = this.storage.read(file);
    if (code !== undefined) this.evaluate(bytesToBinaryString(code), file, true);
  }

  private teardown(powerLoss: boolean): void {
    this.loop.clearAllTimers();
    this.pins.reset();
    if (this.net) this.net.powerOff();
    if (powerLoss) this.console.powerOff();
    this.context = undefined;
    this.realm = undefined;
  }

  private machine(): Machine {
    return this.machineFor(this.loop, this.pins, this.storage, this.console, this.net as NetModule, {
      setBootCode: (code, alwaysExec) => {
        for (const f of [".bootcde", ".bootrst", ".varimg"]) this.storage.erase(f);
        if (code.length > 0) this.storage.write(alwaysExec ? ".bootrst" : ".bootcde", binaryStringToBytes(code));
      },
      memoryOf: () => estimateVars(this.userGlobals(), new Set()),
    });
  }

  private userGlobals(): unknown[] {
    const ctx = this.context;
    if (!ctx) return [];
    return Object.getOwnPropertyNames(ctx).filter((k) => !this.baseline.has(k)).map((k) => ctx[k]).concat(this.initHandlers);
  }

}

export type { Realm, Scheduled };
