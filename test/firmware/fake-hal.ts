/**
 * A fake HAL for the device program's tests: flash-like Store (0xff erased bytes, writeAt
 * over erased bytes only, a byte-level power-cut injector), virtual clock and timers, a
 * link that records lines and delivers downlink bodies, a pulse meter or power sensor.
 * A power cut makes the whole board dead (no more writes, lines, timers) until `reboot()`.
 */
import { sha256 } from "../../shared/crypto/sha256";
import { sha512 } from "../../shared/crypto/sha512";
import type { Hal, Store } from "../../firmware/hal";

/** Counts of flash operations, for the write budget. */
export interface FlashStats {
  writes: number;
  writeAts: number;
  creates: number;
  erases: number;
  /** Bytes programmed by write/writeAt. */
  programmed: number;
  /** Bytes of files created or written whole (flash space consumed, hence erase wear). */
  allocated: number;
  /** writeAt calls refused because a byte was already programmed (the firmware never should). */
  refused: number;
}

/** Flash with Espruino Storage semantics (hal.ts Store). */
export class FakeFlash implements Store {
  readonly files = new Map<string, Uint8Array>();
  stats: FlashStats = { writes: 0, writeAts: 0, creates: 0, erases: 0, programmed: 0, allocated: 0, refused: 0 };
  /** Bytes that may still be programmed before the power fails (Infinity = no cut armed). */
  cutAfter = Infinity;
  dead = false;
  onCut: () => void = () => {};

  constructor(readonly capacity = 1 << 20) {}

  /** Arms a power cut after `n` more programmed bytes. */
  armCut(n: number): void {
    this.cutAfter = n;
  }

  resetStats(): void {
    this.stats = { writes: 0, writeAts: 0, creates: 0, erases: 0, programmed: 0, allocated: 0, refused: 0 };
  }

  private used(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.length;
    return n;
  }

  /** Programs `data` into `file` at `offset` byte by byte; false if the power failed meanwhile. */
  private program(file: Uint8Array, offset: number, data: Uint8Array): boolean {
    for (let i = 0; i < data.length; i++) {
      if (this.cutAfter <= 0) {
        this.dead = true;
        this.cutAfter = Infinity;
        this.onCut();
        return false;
      }
      this.cutAfter--;
      file[offset + i] &= data[i]; // flash programs 1 → 0 only
      this.stats.programmed++;
    }
    return true;
  }

  read(name: string): Uint8Array | undefined {
    if (this.dead) return undefined;
    const f = this.files.get(name);
    return f === undefined ? undefined : new Uint8Array(f);
  }

  write(name: string, data: Uint8Array): boolean {
    if (this.dead) return false;
    const old = this.files.get(name);
    if (this.used() - (old ? old.length : 0) + data.length > this.capacity) return false;
    this.stats.writes++;
    this.stats.allocated += data.length;
    const f = new Uint8Array(data.length).fill(0xff);
    this.files.set(name, f); // the old file is gone first: a cut leaves a prefix of the new one
    return this.program(f, 0, data);
  }

  create(name: string, size: number): boolean {
    if (this.dead) return false;
    const old = this.files.get(name);
    if (this.used() - (old ? old.length : 0) + size > this.capacity) return false;
    this.stats.creates++;
    this.stats.allocated += size;
    this.files.set(name, new Uint8Array(size).fill(0xff));
    return true;
  }

  writeAt(name: string, offset: number, data: Uint8Array): boolean {
    if (this.dead) return false;
    const f = this.files.get(name);
    if (f === undefined || offset < 0 || offset + data.length > f.length) return false;
    // As the contract says (test/hal-contract/): refused with false. The firmware never writes
    // over programmed bytes, so tests can assert `stats.refused` stays 0.
    for (let i = 0; i < data.length; i++) {
      if (f[offset + i] !== 0xff) {
        this.stats.refused++;
        return false;
      }
    }
    this.stats.writeAts++;
    return this.program(f, offset, data);
  }

  erase(name: string): void {
    if (this.dead) return;
    if (this.files.delete(name)) this.stats.erases++;
  }

  free(): number {
    return this.capacity - this.used();
  }

  /** A deep copy (to restart a scenario from the same flash). */
  clone(): FakeFlash {
    const c = new FakeFlash(this.capacity);
    for (const [k, v] of this.files) c.files.set(k, new Uint8Array(v));
    return c;
  }
}

interface Timer {
  id: number;
  at: number;
  every: number;
  fn: () => void;
  seq: number;
}

/** A board in a virtual world: time only moves when the test advances it. */
export class FakeBoard {
  uptime = 0;
  wall = -1;
  pulses = 0;
  milliwatts = 0;
  relayClosed = false;
  /** The first relay.set call and every change after it, with the uptime. */
  relayLog: { at: number; closed: boolean }[] = [];
  linkUp = true;
  sent: string[] = [];
  logs: string[] = [];
  rxHandler: ((body: string) => void) | undefined;
  commandHandler: ((c: string) => string) | undefined;
  lockedLineHandler: ((line: string) => string) | undefined;
  /** The console lock as the firmware set it; `relock` is the timer of an open window. */
  consoleLocked = false;
  private relock = -1;
  watchdogS = 0;
  lastKick = 0;
  watchdogBites = 0;
  random = 1;
  private timers: Timer[] = [];
  private nextId = 1;
  private order = 0;
  readonly hal: Hal;

  constructor(readonly flash: FakeFlash, opts: { sensor?: boolean; nativeSha512?: boolean } = {}) {
    const self = this;
    flash.dead = false;
    flash.onCut = () => this.timers.splice(0);
    this.hal = {
      clock: {
        uptimeMs: () => self.uptime,
        wallTimeS: () => (self.wall < 0 ? -1 : self.wall + Math.floor(self.uptime / 1000)),
        setWallTimeS: (s: number) => { self.wall = s - Math.floor(self.uptime / 1000); },
      },
      timers: {
        every: (ms, fn) => self.add(ms, ms, fn),
        after: (ms, fn) => self.add(ms, 0, fn),
        cancel: (h) => { self.timers = self.timers.filter((t) => t.id !== h); },
      },
      meter: opts.sensor ? undefined : { pulses: () => self.pulses },
      sensor: opts.sensor ? { milliwatts: () => self.milliwatts } : undefined,
      relay: {
        // The log keeps the first drive and each change; the firmware re-drives every tick.
        set: (c) => { if (flash.dead) return; if (self.relayLog.length === 0 || c !== self.relayClosed) self.relayLog.push({ at: self.uptime, closed: c }); self.relayClosed = c; },
        isClosed: () => self.relayClosed,
      },
      store: flash,
      link: {
        send: (line) => { if (!flash.dead) self.sent.push(line); },
        onReceive: (h) => { self.rxHandler = h; },
        isUp: () => self.linkUp,
      },
      console: {
        log: (t) => { if (!flash.dead) self.logs.push(t); },
        onCommand: (h) => { self.commandHandler = h; },
        onLockedLine: (h) => { self.lockedLineHandler = h; },
        lock: () => { self.closeWindow(); self.consoleLocked = true; },
        open: (seconds) => {
          self.closeWindow();
          self.consoleLocked = false;
          self.relock = self.add(seconds * 1000, 0, () => { self.relock = -1; self.consoleLocked = true; });
        },
        isLocked: () => self.consoleLocked,
      },
      platform: {
        randomBytes: (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (self.random = (self.random * 1103515245 + 12345) % 2147483648) & 0xff; return b; },
        sha256: sha256,
        sha512: opts.nativeSha512 ? sha512 : undefined,
        enableWatchdog: (s) => { self.watchdogS = s; self.lastKick = self.uptime; },
        kickWatchdog: () => { self.lastKick = self.uptime; },
        reboot: () => {},
      },
    };
  }

  private closeWindow(): void {
    if (this.relock >= 0) this.timers = this.timers.filter((t) => t.id !== this.relock);
    this.relock = -1;
  }

  /** A line typed on the console: the REPL runs it while open (here: the text command), else the lock answers. */
  type(line: string): string {
    if (!this.consoleLocked) return this.commandHandler === undefined ? "" : this.commandHandler(line);
    return this.lockedLineHandler === undefined ? "" : this.lockedLineHandler(line);
  }

  private add(ms: number, every: number, fn: () => void): number {
    const id = this.nextId++;
    this.timers.push({ id, at: this.uptime + ms, every, fn, seq: this.order++ });
    return id;
  }

  /** Runs timers due up to `ms` from now, in time order (FIFO at equal times). */
  advance(ms: number): void {
    const end = this.uptime + ms;
    for (;;) {
      if (this.flash.dead) break;
      let next: Timer | undefined;
      for (const t of this.timers) if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.uptime = next.at;
      if (this.watchdogS > 0 && this.uptime - this.lastKick > this.watchdogS * 1000) this.watchdogBites++;
      if (next.every > 0) {
        next.at += next.every;
        next.seq = this.order++;
      } else {
        this.timers = this.timers.filter((t) => t !== next);
      }
      next.fn();
    }
    if (!this.flash.dead) this.uptime = end;
  }

  /** Runs the single earliest timer (moving time to it); false when none is left. */
  runOne(): boolean {
    let next: Timer | undefined;
    for (const t of this.timers) if (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = t;
    if (!next || this.flash.dead) return false;
    this.advance(next.at - this.uptime - 1);
    const before = this.timers.length;
    this.uptime = next.at;
    if (next.every > 0) {
      next.at += next.every;
      next.seq = this.order++;
    } else {
      this.timers = this.timers.filter((t) => t !== next);
    }
    next.fn();
    return before > 0;
  }

  /** Runs everything that is due now (after(0) chains such as a signature). */
  settle(): void {
    this.advance(0);
  }

  pendingTimers(): number {
    return this.timers.length;
  }
}
