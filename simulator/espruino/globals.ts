/**
 * Builds the JavaScript world of one boot: a fresh node:vm context stripped of what Espruino
 * 2v2x lacks (sandbox.ts's lists, plus WebAssembly), with the Espruino globals the firmware
 * and the flasher use. Host functions raise errors of the context's realm with Espruino's
 * messages; every call first checks that the board still has power (after a power cut the
 * interrupted code may catch the error, but nothing it does reaches the hardware any more).
 */
import vm from "node:vm";
import { crc32 } from "node:zlib";
import { cryptoModule, heatshrinkModule, storageModule } from "./api-modules";
import type { UsbConsole } from "./console";
import { EspruinoApiError, type EventLoop } from "./event-loop";
import { PowerCutError } from "./flash";
import { formatPrintArgs } from "./format";
import type { NetModule } from "./net";
import type { PinBank } from "./pins";
import { CONVOLVE_SOURCE } from "./convolve";
import { argsToBytes, binaryStringToBytes, bytesToBinaryString, Realm } from "./realm";
import { REMOVE_GLOBALS, REMOVE_MEMBERS } from "./sandbox";
import { StorageError, type FlashStorage } from "./storage";

/** What the globals need from the board. */
export interface Machine {
  loop: EventLoop;
  pins: PinBank;
  storage: FlashStorage;
  console: UsbConsole;
  net: NetModule;
  version: string;
  boardName: string;
  powered(): boolean;
  getTimeS(): number;
  setTimeS(s: number): void;
  hwRand(): number;
  random(): number;
  memory(): { free: number; usage: number; total: number };
  sizeOf(v: unknown): number;
  enableWatchdog(timeoutS: number, auto: boolean): void;
  kickWatchdog(): void;
  setBootCode(code: string, alwaysExec: boolean): void;
  requestReset(clearFlash: boolean): void;
  requestLoad(file: string | undefined): void;
  requestSave(): void;
  reboot(): void;
  initHandlers: unknown[];
}

/** A fresh context for one boot, with the Espruino API installed. */
export function createBootContext(m: Machine): { context: vm.Context; realm: Realm } {
  const context = vm.createContext({}, { microtaskMode: "afterEvaluate", name: `espruino-${m.boardName}` });
  vm.runInContext(
    REMOVE_GLOBALS.concat(["WebAssembly"]).map((g) => `delete globalThis.${g};`).join("")
      + REMOVE_MEMBERS.map(([o, k]) => `delete ${o}.${k};`).join(""),
    context,
  );
  const realm = new Realm(context);

  // Host errors become context errors with Espruino's message; a cut board stops the code.
  const wrap = (fn: (...a: any[]) => unknown) => function (this: unknown, ...args: unknown[]) {
    if (!m.powered()) throw new PowerCutError();
    try {
      return fn.apply(this, args);
    } catch (e) {
      if (e instanceof EspruinoApiError || e instanceof StorageError) throw new realm.Error(e.message);
      if (e instanceof TypeError) throw new realm.TypeError(e.message);
      if (e instanceof PowerCutError) throw e;
      if (e instanceof Error && /^Unknown pin/.test(e.message)) throw new realm.Error(e.message);
      throw e;
    }
  };
  const wrapAll = <T extends object>(o: T): T => {
    const out: any = {};
    for (const k of Object.keys(o)) out[k] = typeof (o as any)[k] === "function" ? wrap((o as any)[k]) : (o as any)[k];
    return out;
  };
  const g: { [name: string]: unknown } = {};

  const print = (...args: unknown[]) => m.console.printLine(formatPrintArgs(args));
  g.print = print;
  g.console = wrapAll({ log: print, info: print, warn: print, error: print, debug: print });

  // Timers and time (event-loop.ts).
  g.setTimeout = (fn: unknown, ms: number, ...args: unknown[]) => m.loop.setTimer(fn, ms, args, false);
  g.setInterval = (fn: unknown, ms: number, ...args: unknown[]) => m.loop.setTimer(fn, ms, args, true);
  g.clearTimeout = (id?: unknown) => m.loop.clearTimer(id, true);
  g.clearInterval = (id?: unknown) => m.loop.clearTimer(id, false);
  g.changeInterval = (id: unknown, ms: number) => m.loop.changeInterval(id, ms);
  g.getTime = () => m.getTimeS();
  g.setTime = (s: number) => m.setTimeS(s);

  // Pins (pins.ts): globals D0…, aliases, and the functions taking a pin, a number or an array.
  const pinObjects: { [i: number]: object } = {};
  const pinOf = (p: unknown): number => {
    if (p !== null && typeof p === "object" && typeof (p as any).__espruinoPin === "string") return m.pins.resolve((p as any).__espruinoPin);
    return m.pins.resolve(p as string | number);
  };
  // The methods live once per board on the pins' prototype (each pin knows its index): a
  // set per pin was ~600 closures per ESP32 board, a tenth of a fleet board's heap.
  type PinObject = { __espruinoPin: string; __espruinoPinIndex: number };
  const pinProto = wrapAll({
    read: function (this: PinObject) { return m.pins.read(this.__espruinoPinIndex) === 1; },
    write: function (this: PinObject, v: unknown) { return m.pins.write(this.__espruinoPinIndex, v); },
    set: function (this: PinObject) { return m.pins.write(this.__espruinoPinIndex, 1); },
    reset: function (this: PinObject) { return m.pins.write(this.__espruinoPinIndex, 0); },
    toggle: function (this: PinObject) { const i = this.__espruinoPinIndex; return m.pins.write(i, m.pins.level(i) ? 0 : 1); },
    mode: function (this: PinObject, mode: string) { return m.pins.setMode(this.__espruinoPinIndex, mode, false); },
    getMode: function (this: PinObject) { return m.pins.getMode(this.__espruinoPinIndex); },
    toString: function (this: PinObject) { return this.__espruinoPin; },
  });
  for (const [name, i] of m.pins.globals()) {
    if (!pinObjects[i]) {
      const pin = Object.create(pinProto);
      Object.defineProperty(pin, "__espruinoPin", { value: m.pins.names[i] });
      Object.defineProperty(pin, "__espruinoPinIndex", { value: i });
      pinObjects[i] = pin;
    }
    g[name] = pinObjects[i];
  }
  g.Pin = (n: unknown) => pinObjects[pinOf(n)];
  g.digitalWrite = (p: unknown, v: number) => {
    if (Array.isArray(p)) p.forEach((q, k) => m.pins.write(pinOf(q), (v >> (p.length - 1 - k)) & 1));
    else m.pins.write(pinOf(p), v);
  };
  g.digitalRead = (p: unknown) => (Array.isArray(p) ? p.reduce((acc: number, q) => (acc << 1) | m.pins.read(pinOf(q)), 0) : m.pins.read(pinOf(p)));
  g.pinMode = (p: unknown, mode?: string, automatic?: boolean) => m.pins.setMode(pinOf(p), mode, !!automatic);
  g.getPinMode = (p: unknown) => m.pins.getMode(pinOf(p));
  g.analogRead = (p: unknown) => m.pins.analogRead(pinOf(p));
  g.setWatch = (fn: unknown, p: unknown, opts?: unknown) => m.pins.watch(fn, pinOf(p), opts);
  g.clearWatch = (id?: unknown) => m.pins.clearWatch(id);

  // E, process, modules.
  g.E = wrapAll({
    enableWatchdog: (t: number, isAuto?: unknown) => m.enableWatchdog(t, isAuto === undefined || !!isAuto),
    kickWatchdog: () => m.kickWatchdog(),
    hwRand: () => m.hwRand() | 0,
    getSizeOf: (v: unknown) => m.sizeOf(v),
    setBootCode: (code: unknown, alwaysExec?: boolean) => m.setBootCode(typeof code === "string" ? code : "", !!alwaysExec),
    toArrayBuffer: (s: unknown) => (typeof s === "string" ? realm.arrayBuffer(binaryStringToBytes(s)) : undefined),
    toUint8Array: (...args: unknown[]) => realm.bytes(argsToBytes(args)),
    toString: (...args: unknown[]) => bytesToBinaryString(argsToBytes(args)),
    CRC32: (...args: unknown[]) => crc32(argsToBytes(args)),
    on: (event: string, fn: unknown) => {
      if (event === "init") m.initHandlers.push(fn);
    },
    getErrorFlags: () => realm.array([]),
    reboot: () => m.reboot(),
    getConsole: () => m.console.device,
  });
  // Pure arithmetic on the board's own arrays, hot while signing: the board's own function (convolve.ts).
  (g.E as { convolve: unknown }).convolve = vm.runInContext(CONVOLVE_SOURCE, context);
  // Serial devices of the console (console.ts): the USB port and the two loopback ends.
  const serial = (name: string) => wrapAll({
    on: (event: string, fn: unknown) => {
      if (event === "data") m.console.onData(name, fn);
    },
    write: (...data: unknown[]) => {
      const text = data.map((d) => (typeof d === "string" ? d : bytesToBinaryString(argsToBytes([d])))).join("");
      if (name === "USB") m.console.usbWrite(text);
    },
    print: (text: unknown) => {
      if (name === "USB") m.console.usbWrite(String(text));
    },
    println: (text: unknown) => {
      if (name === "USB") m.console.usbWrite(String(text) + "\r\n");
    },
    setConsole: () => m.console.setConsole(name),
  });
  g.USB = serial("USB");
  g.LoopbackA = serial("LoopbackA");
  g.LoopbackB = serial("LoopbackB");
  g.process = {
    version: m.version,
    env: { VERSION: m.version, BOARD: m.boardName },
    memory: wrap(() => {
      const r = m.memory();
      return { free: r.free, usage: r.usage, total: r.total, history: 0, gc: 0, gctime: 0, blocksize: 16 };
    }),
  };
  const modules: { [name: string]: unknown } = Object.create(null);
  g.require = (name: string) => {
    if (modules[name] !== undefined) return modules[name];
    if (name === "Storage") modules[name] = wrapAll(storageModule(m.storage, realm));
    else if (name === "crypto") modules[name] = wrapAll(cryptoModule(realm));
    else if (name === "heatshrink") modules[name] = wrapAll(heatshrinkModule(realm));
    else if (name === "net") modules[name] = wrapAll(m.net.api());
    else {
      // Espruino loads any other module from a Storage file of that name.
      const src = m.storage.read(name);
      if (src === undefined) throw new EspruinoApiError(`Module ${name} not found`);
      const module: { exports: unknown } = { exports: {} };
      const fn = vm.compileFunction(bytesToBinaryString(src), ["exports", "module"], { parsingContext: context, filename: name });
      fn(module.exports, module);
      modules[name] = module.exports;
    }
    return modules[name];
  };
  g.btoa = (s: unknown) => Buffer.from(String(s), "latin1").toString("base64");
  g.atob = (s: unknown) => Buffer.from(String(s), "base64").toString("latin1");
  g.reset = (clearFlash?: boolean) => m.requestReset(!!clearFlash);
  g.load = (file?: string) => m.requestLoad(file);
  g.save = () => m.requestSave();

  for (const k of Object.keys(g)) {
    const v = g[k];
    context[k] = typeof v === "function" && k !== "print" ? wrap(v as (...a: any[]) => unknown) : k === "print" ? wrap(print) : v;
  }
  context.global = context;
  installClock(context, m);
  return { context, realm };
}

/** Date and Math.random on the board's clock and seed (getTime() is the system time). */
function installClock(context: vm.Context, m: Machine): void {
  Object.defineProperty(context, "__espruinoSim", { value: { now: () => m.getTimeS() * 1000, random: () => m.random() } });
  vm.runInContext(
    `(function (sim, RealDate) {
      class Date extends RealDate {
        constructor(...a) { if (a.length === 0) super(sim.now()); else super(...a); }
        static now() { return sim.now(); }
      }
      globalThis.Date = Date;
      Math.random = function random() { return sim.random(); };
    })(__espruinoSim, Date);`,
    context,
  );
}

