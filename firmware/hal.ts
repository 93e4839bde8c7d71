/**
 * The device program's only window to hardware. Each target implements these interfaces in
 * firmware/targets/<target>/ (Espruino, NodeMCU, Node on a Pi); the simulator and the tests'
 * fake HAL are more implementations of the same contract. Nothing else in firmware/ touches a
 * target global (digitalWrite, E.*, require("Storage"), gpio.*, tmr.*).
 *
 * Portable code: see docs/portability.md. Times are numbers in milliseconds unless named `…S`.
 */
import type { HashFn } from "../shared/crypto/types";

/** Time. Monotonic uptime always; wall time only once something trustworthy has set it. */
export interface Clock {
  /** Milliseconds since boot; never goes backwards, survives wall-clock steps. */
  uptimeMs(): number;
  /** Unix seconds, or -1 while the wall time is unknown (fresh boot, no RTC, no host yet). */
  wallTimeS(): number;
  /** Sets the wall time (from an authenticated ack, or NTP where the board has it). */
  setWallTimeS(unixSeconds: number): void;
}

/** Callbacks on the event loop. A callback must return quickly: long work is split into steps. */
export interface Timers {
  /** Calls `fn` every `ms` milliseconds until cancelled; returns a handle. */
  every(ms: number, fn: () => void): number;
  /** Calls `fn` once after `ms` milliseconds (0 = as soon as the loop is free). */
  after(ms: number, fn: () => void): number;
  cancel(handle: number): void;
}

/** Energy input: an S0 pulse output (e.g. 1000 imp/kWh) counted by the target. */
export interface PulseMeter {
  /** Pulses counted since boot; only grows. The board file gives the meter constant. */
  pulses(): number;
}

/** Energy input, the sampled variant: a sensor read on demand. */
export interface PowerSensor {
  /** Instantaneous power in milliwatts (positive = import / consumption). */
  milliwatts(): number;
}

/** The load switch. Off (open) until the firmware has read and checked stored credit. */
export interface Relay {
  set(closed: boolean): void;
  isClosed(): boolean;
}

/**
 * Persistent storage with the semantics of Espruino's Storage, the most constrained target:
 * named files in flash; a new file is written whole or created erased (all 0xff) with a fixed
 * size and then filled in place; bytes of an existing file may only be written where they are
 * still erased (0xff) — flash programs bits 1 → 0 only; `erase` frees a file. A power cut in
 * the middle of a write keeps a prefix of the written bytes and loses the rest.
 */
export interface Store {
  /** The whole file, or undefined when it does not exist. */
  read(name: string): Uint8Array | undefined;
  /** Replaces (or creates) `name` with `data`. Returns false when the store is full. */
  write(name: string, data: Uint8Array): boolean;
  /** Creates `name` of `size` erased bytes (0xff). Returns false when the store is full. */
  create(name: string, size: number): boolean;
  /** Writes `data` at `offset` into an existing file, over erased bytes only. Returns false if it cannot. */
  writeAt(name: string, offset: number, data: Uint8Array): boolean;
  erase(name: string): void;
  /** Bytes still free for new files. */
  free(): number;
}

/** The link to the host: machine lines out, downlink frame bodies in. */
export interface Link {
  /** Sends one line (without line end) to the host: the serial console or an MQTT publish. */
  send(line: string): void;
  /** Registers the handler for downlink bodies (the base64*crc text of PROTOCOL.md's downlink). */
  onReceive(handler: (body: string) => void): void;
  /** False while the cable is out or the broker unreachable, when the target can tell. */
  isUp(): boolean;
  /** Which link and where it stands, for `status` (a board that can take more than one). */
  describe?(): string;
}

/**
 * Human-readable lines for the technician on the serial console, and the console lock
 * (issue 11): a provisioned device keeps the interpreter's REPL off the serial line, so that
 * whoever holds the cable cannot run code; typed lines then reach `onLockedLine` only.
 */
export interface Console {
  log(text: string): void;
  /** Registers a command handler for the console (`solkit.status()` and the like). */
  onCommand(handler: (command: string) => string): void;
  /** Registers the handler of lines typed while locked; a non-empty answer is printed. */
  onLockedLine(handler: (line: string) => string): void;
  /** Closes the REPL now (lines go to onLockedLine). Targets without a REPL only record it. */
  lock(): void;
  /** Opens the REPL now and locks it again after `seconds` (a maintenance token, provisioning). */
  open(seconds: number): void;
  isLocked(): boolean;
}

/** Hardware facilities: randomness, native hashing, watchdog. */
export interface Platform {
  /**
   * `n` bytes from what the board can gather (E.hwRand mixed with timer jitter, the ESP32 RNG,
   * /dev/urandom). Not to be trusted alone unless the board file says `trustedRng`: Espruino's
   * E.hwRand repeats the same sequence at every start (issue 9), so a key mixes host entropy in.
   */
  randomBytes(n: number): Uint8Array;
  /** SHA-256, native where the board has it (Espruino's require("crypto").SHA256). */
  sha256: HashFn;
  /** SHA-512, native where the board has it; undefined means use the portable one. */
  sha512: HashFn | undefined;
  /** Starts the watchdog: the board resets unless `kickWatchdog` is called within `timeoutS`. */
  enableWatchdog(timeoutS: number): void;
  kickWatchdog(): void;
  /** Resets the board (after a config change that needs it). */
  reboot(): void;
}

/** Everything the device program gets from its target. */
export interface Hal {
  clock: Clock;
  timers: Timers;
  /** Exactly one of `meter` and `sensor` is set, as the board file says. */
  meter: PulseMeter | undefined;
  sensor: PowerSensor | undefined;
  relay: Relay;
  store: Store;
  link: Link;
  console: Console;
  platform: Platform;
}
