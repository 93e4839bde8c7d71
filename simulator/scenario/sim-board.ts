/**
 * What the scenario runner, the world and the cable use of a simulated board: the emulated
 * Espruino board (espruino/board.ts) and the simulated Pi (node/node-board.ts) both offer it,
 * so the scenario library runs on either target unchanged.
 */
export interface SimBoard {
  /** Virtual time, ms. */
  readonly now: number;
  readonly isOn: boolean;
  /** Every (re)start of the firmware: power-on, watchdog, reboot. */
  readonly resets: readonly { t: number; reason: string }[];
  /** The longest single callback, measured on this machine's wall clock. */
  readonly longestBlock: { ms: number; what: string };
  /** World events on the board's clock (they outlive a power cut). */
  readonly loop: { schedule(at: number, fn: () => void): unknown };
  /** Called when an armed cut fires in the middle of a write. */
  readonly flash: { onPowerCut: (() => void) | undefined };
  /** Another program's files in the board's storage (the storage-full fault). */
  readonly storage: { compact(): void; getFree(): number; write(name: string, data: Uint8Array): unknown; erase(name: string): unknown };
  /** Diagnostic logs the rig empties each step. */
  readonly pins: { log: unknown[] };
  readonly console: { printed: unknown[] };
  advance(ms: number): void;
  powerOn(): void;
  powerOff(): void;
  /** The next `n` bytes written to storage land, then the power goes. */
  cutAfterBytes(n: number): void;
  setNetworkUp(up: boolean): void;
  pulse(pin: string, count: number, overMs: number, opts?: { at?: number; widthMs?: number; activeLow?: boolean }): void;
  /** Power through the board's sensor (boards sampling an INA219 or an ADC instead of counting pulses). */
  setWatts?(watts: number): void;
  pinLevel(pin: string): 0 | 1;
  onConsoleOutput(cb: (text: string) => void): () => void;
  consoleConnected(connected: boolean): void;
  consoleInput(text: string): void;
}
