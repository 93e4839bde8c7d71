/**
 * A simulated Pi: the Node target's built bundle (firmware-module.ts) on virtual time, with a
 * GPIO chip, an INA219 that reads what the world says, a card in memory that a power cut can
 * stop mid-write (mem-fs.ts), and the console as the serial line (`--link console`). It offers
 * the scenario runner the same surface as the emulated Espruino board (scenario/sim-board.ts),
 * so the scenario library runs on it unchanged.
 */
import { performance } from "node:perf_hooks";
import type { Board } from "../../boards/board-type";
import { prng } from "../world/sky";
import { loadNodeFirmware, type NodeFirmware } from "./firmware-module";
import { MemFs } from "./mem-fs";

interface Entry {
  at: number;
  fn: () => void;
  every: number;
  order: number;
  /** Device timers die with the power; world events (power back, fault ends) do not. */
  device: boolean;
  what: string;
}

const DATA = "/var/lib/solkit";
/** The simulated system's bus voltage (a 12 V battery system, within the INA219's 26 V). */
const BUS_VOLTS = 12;
/** Room on the card beyond the store's quota: the OS's share (store.ts keeps 1 MiB of it free). */
const CARD_EXTRA = 4 << 20;

export class NodeBoard {
  readonly kind = "node";
  readonly resets: { t: number; reason: string }[] = [];
  readonly longestBlock = { ms: 0, at: 0, what: "" };
  readonly pins = { log: [] as unknown[] };
  readonly console = { printed: [] as unknown[] };
  readonly flash: { onPowerCut: (() => void) | undefined } = { onPowerCut: undefined };
  readonly loop = { schedule: (at: number, fn: () => void) => this.add(at, fn, 0, false, "event") };
  readonly storage: { compact(): void; getFree(): number; write(name: string, data: Uint8Array): void; erase(name: string): void };
  isOn = false;
  private t = 0;
  private order = 0;
  private nextHandle = 1;
  private readonly queue = new Map<number, Entry>();
  private readonly fw: NodeFirmware;
  private readonly fs: MemFs;
  private readonly levels = new Map<number, 0 | 1>();
  private watchers = new Map<number, { edge: string; fn: (ns: number) => void }[]>();
  private readonly outputs: ((text: string) => void)[] = [];
  private running: ReturnType<NodeFirmware["startNodeDevice"]> | undefined = undefined;
  private watts = 0;
  private readonly random: () => number;
  private kicked = 0;

  constructor(readonly board: Board, firmware: string, seed: number) {
    this.fw = loadNodeFirmware(firmware);
    if (this.fw.board.id !== board.id) throw new Error(`the bundle is for ${this.fw.board.id}, not ${board.id}`);
    this.fs = new MemFs(this.fw.board.storageBytes + CARD_EXTRA);
    this.fs.mkdirSync(DATA);
    this.random = prng(seed ^ 0x9e37);
    const fs = this.fs;
    this.storage = {
      compact: () => {},
      getFree: () => fs.capacity - fs.used(),
      write: (name, data) => fs.putForeign(`/${name}`, data.length),
      erase: (name) => fs.removeForeign(`/${name}`),
    };
  }

  get now(): number {
    return this.t;
  }

  /** A file in the device's store before it boots (a test giving several targets one identity). */
  putFile(name: string, data: Uint8Array): void {
    const fd = this.fs.openSync(`${DATA}/${name}`, "w");
    this.fs.writeSync(fd, data, 0, data.length, 0);
    this.fs.closeSync(fd);
  }

  /** What the program wrote to the card so far (bench: SD-card wear per day). */
  get cardStats(): { bytes: number; fsyncs: number; renames: number } {
    return this.fs.stats;
  }

  /** Pin names are lines: "GPIO17" → 17. */
  private line(pin: string): number {
    return Number(/^GPIO(\d+)$/.exec(pin)?.[1] ?? NaN);
  }

  private add(at: number, fn: () => void, every: number, device: boolean, what: string): number {
    const h = this.nextHandle++;
    this.queue.set(h, { at, fn, every, order: this.order++, device, what });
    return h;
  }

  /** Runs what falls due up to now + ms, in time order; each device callback timed on the wall clock. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let best: [number, Entry] | undefined = undefined;
      for (const e of this.queue) {
        if (e[1].at > end) continue;
        if (best === undefined || e[1].at < best[1].at || (e[1].at === best[1].at && e[1].order < best[1].order)) best = e;
      }
      if (best === undefined) break;
      const [h, e] = best;
      this.t = Math.max(this.t, e.at);
      if (e.every > 0) {
        e.at += e.every;
        e.order = this.order++;
      } else this.queue.delete(h);
      if (!e.device) {
        e.fn();
        continue;
      }
      const w0 = performance.now();
      try {
        e.fn();
      } catch (err) {
        // Power gone inside the callback: the rest of it never ran on a real board. Otherwise an
        // uncaught exception ends the Node process and systemd starts it again (Restart=always).
        if (this.isOn) {
          this.emit(`crash: ${(err as Error).message}`);
          this.hardReset("crash");
        }
      }
      const took = performance.now() - w0;
      if (took > this.longestBlock.ms) Object.assign(this.longestBlock, { ms: took, at: this.t, what: e.what });
    }
    this.t = end;
  }

  private timerApi() {
    return {
      now: () => this.t,
      start: (ms: number, fn: () => void, repeat: boolean) => {
        const wait = Math.max(repeat ? 1 : 0, ms);
        return this.add(this.t + Math.max(wait, 0.001), fn, repeat ? wait : 0, true, repeat ? `every(${ms})` : `after(${ms})`);
      },
      stop: (h: number) => void this.queue.delete(h),
    };
  }

  private emit(text: string): void {
    if (!this.isOn) return;
    for (const o of this.outputs) o(`${text}\r\n`);
  }

  powerOn(): void {
    if (this.isOn) return;
    this.isOn = true;
    this.fs.powerOn();
    this.resets.push({ t: this.t, reason: this.resets.length === 0 ? "power-on" : "power-on" });
    this.boot();
  }

  private boot(): void {
    const self = this;
    const ina = this.fw.board.ina219;
    this.running = this.fw.startNodeDevice({
      board: this.fw.board,
      api: this.timerApi(),
      gpio: {
        output: (line: number, level: 0 | 1) => void this.levels.set(line, level),
        watch: (line: number, edge: string, _bias: string, fn: (ns: number) => void) => {
          const list = this.watchers.get(line) ?? [];
          list.push({ edge, fn });
          this.watchers.set(line, list);
        },
        close: () => this.levels.clear(),
      },
      i2c: ina === undefined ? undefined : {
        readWord: async (a: number, r: number) => self.register(a, r, ina.shuntMilliohms),
        readWordNow: (a: number, r: number) => self.register(a, r, ina.shuntMilliohms),
      },
      dataDir: DATA,
      fs: this.fs,
      link: () => {
        let handler: (b: string) => void = () => {};
        return { send: (l: string) => this.emit(l), onReceive: (h: (b: string) => void) => void (handler = h), isUp: () => true, deliver: (b: string) => handler(b) };
      },
      out: (t: string) => this.emit(t),
      platform: {
        randomBytes: (n: number) => Uint8Array.from({ length: n }, () => Math.floor(this.random() * 256)),
        watchdog: (timeoutS: number) => {
          this.kicked = this.t;
          this.add(this.t + 1000, () => {
            if (this.t - this.kicked > timeoutS * 1000) this.hardReset("watchdog");
          }, 1000, true, "watchdog");
          return () => void (this.kicked = this.t);
        },
        exit: () => void this.add(this.t, () => this.hardReset("reboot"), 0, false, "reboot"),
      },
    });
  }

  /** The INA219's registers for the world's power now (bus at BUS_VOLTS; the shunt saturates as the chip's range does). */
  private register(address: number, reg: number, shuntMilliohms: number): number {
    if (address !== this.fw.board.ina219?.address) throw new Error("Remote I/O error");
    if (reg === 2) return ((BUS_VOLTS * 1000) / 4) << 3;
    const uv = (this.watts / BUS_VOLTS) * shuntMilliohms * 1000;
    return Math.max(0, Math.min(32000, Math.round(uv / 10)));
  }

  powerOff(): void {
    if (!this.isOn) return;
    this.isOn = false;
    for (const [h, e] of this.queue) if (e.device) this.queue.delete(h);
    this.running = undefined; // its timers are gone with the queue: nothing of it runs again
    this.levels.clear(); // outputs undriven: the relay's line falls back to off
    this.watchers = new Map();
  }

  hardReset(reason: string): void {
    this.powerOff();
    this.isOn = true;
    this.fs.powerOn();
    this.resets.push({ t: this.t, reason });
    this.boot();
  }

  /** The next `n` bytes written reach the card, then the power goes. */
  cutAfterBytes(n: number): void {
    this.fs.cutAfterBytes(n, () => {
      this.powerOff();
      this.flash.onPowerCut?.();
    });
  }

  setNetworkUp(): void {
    // The console link does not use the network.
  }

  /** Power through the INA219's shunt, in W (sensor boards). */
  setWatts(w: number): void {
    this.watts = w;
  }

  /** S0 pulses on a meter input over [at, at + overMs): each a falling edge (or rising), stamped by the "kernel". */
  pulse(pin: string, count: number, overMs: number, opts?: { at?: number; widthMs?: number; activeLow?: boolean }): void {
    const line = this.line(pin);
    const from = opts?.at ?? this.t;
    const gap = overMs / count;
    for (let i = 0; i < count; i++) {
      const at = from + i * gap;
      this.add(Math.max(at, this.t), () => {
        for (const w of this.watchers.get(line) ?? []) if (w.edge === (opts?.activeLow === false ? "rising" : "falling")) w.fn(Math.round(at * 1e6));
      }, 0, true, "pulse");
    }
  }

  pinLevel(pin: string): 0 | 1 {
    return this.levels.get(this.line(pin)) ?? 0;
  }

  onConsoleOutput(cb: (text: string) => void): () => void {
    this.outputs.push(cb);
    return () => this.outputs.splice(this.outputs.indexOf(cb), 1);
  }

  consoleConnected(): void {
    // stdout has no DTR: a pulled cable is the cable's to model (SerialCable drops the bytes).
  }

  private pending = "";
  /** Bytes from the host: whole lines go to the program's console (downlink frames, commands). */
  consoleInput(text: string): void {
    if (!this.isOn || this.running === undefined) return;
    const lines = (this.pending + text).split("\n");
    this.pending = lines.pop() ?? "";
    for (const l of lines) {
      const answer = this.running.input(l);
      if (answer !== "") for (const a of answer.split("\n")) this.emit(a);
    }
  }

  /** A console command as the technician types it; returns the answer. */
  command(line: string): string {
    if (this.running === undefined) throw new Error("the board is off");
    return this.running.input(line);
  }
}
