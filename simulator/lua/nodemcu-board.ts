/**
 * A simulated NodeMCU board: the NodeMCU bundle (dist/<id>/firmware.lua) in Debian's real
 * lua5.3, one process per power-on, with the NodeMCU API emulated on virtual time around it
 * (nodemcu-emu.lua). Its flash is a real folder, so a restart or a power cut (the process
 * ends) keeps what was written. It offers the scenario runner the same surface as the other
 * simulated boards (scenario/sim-board.ts); calls are synchronous through sync-process.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Board } from "../../boards/board-type";
import { luacCross } from "../../toolchain/luac-cross";
import { LfsPartition } from "./lfs-partition";
import { NodeMcuNetwork } from "./nodemcu-mqtt";
import { SyncProcess } from "./sync-process";

export interface NodeMcuBoardOptions {
  capacity?: number;
  echo?: boolean;
  int32?: boolean;
  debugInfo?: boolean;
  /**
   * The firmware runs from LFS in NodeMCU's own Lua core (luac.cross -F image -e), as it does on a
   * chip flashed with its LFS image; without it, source or luac5.3 bytecode in Debian's lua5.3.
   */
  lfs?: boolean;
  /** A NodeMCU firmware built without the Lua Flash Store (no node.LFS): what `solkit flash` must refuse an image for. */
  noLfsPartition?: boolean;
  /** Bytes of the firmware's LFS partition (node.LFS.config.lfs_size; default 512 KiB): a bigger image is refused at load. */
  lfsPartitionBytes?: number;
  wifi?: { ssid: string; password: string };
  broker?: (host: string, port: number, tls: boolean) => string;
}

const EMU = resolve(fileURLToPath(new URL(".", import.meta.url)), "nodemcu-emu.lua");
const DONE = /^D \d+ \d+$/;

export class NodeMcuBoard {
  readonly kind = "nodemcu";
  readonly resets: { t: number; reason: string }[] = [];
  readonly longestBlock = { ms: 0, at: 0, what: "" };
  readonly pins = { log: [] as unknown[] };
  readonly console = { printed: [] as unknown[] };
  readonly flash: { onPowerCut: (() => void) | undefined } = { onPowerCut: undefined };
  readonly loop = { schedule: (at: number, fn: () => void) => this.events.push({ at, fn }) };
  readonly storage: { compact(): void; getFree(): number; write(name: string, data: Uint8Array): void; erase(name: string): void };
  isOn = false;
  private t = 0;
  /** Virtual time of the running process's boot: its clock starts at 0 there. */
  private bootAt = 0;
  /** The worker that talks to the Lua process: one for the board's life, a new process per boot. */
  private sp: SyncProcess | undefined = undefined;
  /** The process now running, or undefined while the board is off. */
  private proc: SyncProcess | undefined = undefined;
  private readonly dir: string;
  private readonly firmwareFile: string;
  /** The LFS partition: loaded (from `lfs` or a node.LFS.reload), the board runs in NodeMCU's core. */
  private readonly lfs: LfsPartition;
  private readonly levels = new Map<number, 0 | 1>();
  private readonly outputs: ((text: string) => void)[] = [];
  private events: { at: number; fn: () => void }[] = [];
  private foreign = 0;
  /** The last console text, for an error that says why the firmware could not boot. */
  private tail = "";
  private bootCount = 0;
  private readonly capacity: number;

  /** The firmware has the crypto module (board file nativeHashes): digests in C, not in Lua. */
  private readonly crypto: boolean;

  /** The REPL echoes typed text and prompts "> " (a board on a serial console; off for scripted runs). */
  private readonly echo: boolean;
  /** Reports NodeMCU's default 32-bit integers (math.maxinteger), to test who checks it. */
  private readonly int32: boolean;
  /** The Wi-Fi network in range ("-": any SSID joins), as the emulator's argument. */
  private readonly inRange: string;
  /** The board's MQTT connections, real ones from this process. */
  private readonly net: NodeMcuNetwork;

  /**
   * @param firmware the bundle the board runs at every boot (compiled once), or undefined: the
   *   board boots as NodeMCU does, running init.lua from its flash when there is one (what
   *   `solkit flash` writes there)
   * @param opts.wifi the network in range: only its SSID and passphrase join (default: any)
   * @param opts.broker where the host:port a board connects to really is (default: as it says)
   */
  constructor(readonly board: Board, firmware: string | undefined, private readonly seed: number, opts: NodeMcuBoardOptions = {}) {
    this.capacity = opts.capacity ?? board.limits?.storageBytes ?? 1 << 20;
    this.echo = opts.echo === true;
    this.int32 = opts.int32 === true;
    this.inRange = opts.wifi === undefined ? "-" : `${Buffer.from(opts.wifi.ssid).toString("hex")}:${Buffer.from(opts.wifi.password).toString("hex")}`;
    this.net = new NodeMcuNetwork(opts.broker);
    this.crypto = (board.nativeHashes ?? []).length > 0;
    this.dir = mkdtempSync(join(tmpdir(), `solkit-nodemcu-${board.id}-`));
    this.firmwareFile = firmware === undefined ? "-" : join(this.dir, "..", `${this.dir.split("/").pop()}.lua`);
    this.lfs = new LfsPartition(`${this.dir}.lfs`, opts.noLfsPartition === true ? undefined : opts.lfsPartitionBytes ?? 512 * 1024);
    if (firmware !== undefined && opts.lfs === true) {
      this.lfs.build(firmware, opts.debugInfo);
      this.firmwareFile = "lfs:solkit";
    } else if (firmware !== undefined) {
      writeFileSync(this.firmwareFile, firmware, "latin1");
      // Compiled to bytecode once, as NodeMCU keeps it (LFS): each boot then skips parsing 280 KB.
      // Stripped as on a chip, unless a run wants a panic to name its line (debugInfo).
      const luac = spawnSync(process.env.SOLKIT_LUAC ?? "luac5.3", [...(opts.debugInfo ? [] : ["-s"]), "-o", this.firmwareFile, this.firmwareFile], { encoding: "utf8" });
      if (luac.status !== 0 && luac.error === undefined) throw new Error(`luac5.3: ${luac.stderr.trim()}`);
    }
    this.storage = {
      compact: () => {},
      getFree: () => this.capacity - this.used(),
      write: (_name, data) => this.setForeign(data.length),
      erase: () => this.setForeign(0),
    };
  }

  get now(): number {
    return this.t;
  }

  private used(): number {
    let n = this.foreign;
    for (const f of readdirSync(this.dir)) n += statSync(join(this.dir, f)).size;
    return n;
  }

  private setForeign(size: number): void {
    this.foreign = size;
    if (this.proc !== undefined) this.take(this.proc.call(`S ~filler ${size}`));
  }

  /** Lines of the emulator's answer: console text, pins, timings, and a process end. */
  private take(lines: string[]): void {
    for (const l of lines) {
      const [tag, a, b] = l.split(" ");
      if (tag === "O") {
        const text = Buffer.from(a, "hex").toString("latin1");
        this.tail = (this.tail + text).slice(-600);
        for (const o of this.outputs) o(text.replace(/\n/g, "\r\n"));
      } else if (tag === "G") this.levels.set(Number(a), Number(b) as 0 | 1);
      else if (tag === "L" && Number(a) > this.longestBlock.ms) Object.assign(this.longestBlock, { ms: Number(a), at: this.t, what: b });
      else if (tag === "X") return this.ended("cut", Number(a)); // the rest is the ended process's exit
      else if (tag === "R") return this.ended(a, Number(b)); // the new process's boot has been taken already
      else if (tag === "D") this.t = Math.max(this.t, this.bootAt + Number(a));
      else if (tag === "M") this.net.handle(l);
      else if (tag === "F") this.loadLfs(Buffer.from(a, "hex").toString("latin1")); // node.LFS.reload: the restart follows
      else if (tag === "__EXIT__" && this.isOn) throw new Error(`the NodeMCU emulation ended without a restart or a cut (a bug in nodemcu-emu.lua?): ${l}`);
    }
  }

  /**
   * node.LFS.reload(name): the chip copies the image into its LFS partition, then restarts. An
   * image NodeMCU's loader refuses leaves the partition erased, the loader's words on the console.
   */
  private loadLfs(name: string): void {
    const why = this.lfs.load(join(this.dir, name));
    if (why !== undefined) for (const o of this.outputs) o(`LFS image load failed: ${why}\r\n`);
  }

  private ended(reason: string, atMs: number): void {
    this.t = this.bootAt + atMs;
    this.net.reset();
    this.proc = undefined; // it has exited; its worker stays for the next boot
    this.isOn = false;
    this.levels.clear(); // outputs undriven
    if (reason === "cut") {
      this.flash.onPowerCut?.();
      return;
    }
    // A panic's own line says which error: kept with the restart, so a report can say why.
    const panic = reason === "panic" ? /PANIC: [^\n]*/.exec(this.tail.slice(this.tail.lastIndexOf("PANIC:")))?.[0] : undefined;
    this.boot(panic === undefined ? reason : `panic (${panic.slice(0, 400)})`); // NodeMCU restarts itself: node.restart(), the watchdog, a panic
  }

  private boot(reason: string): void {
    this.bootCount++;
    const recent = this.resets.filter((r) => r.t > this.t - 10_000).length;
    if (recent > 20) throw new Error(`the NodeMCU firmware restarted ${recent} times in 10 s (last: ${reason}): it cannot boot. Its console: ${this.tail}`);
    const files = readdirSync(this.dir).map((f) => `${f}:${statSync(join(this.dir, f)).size}`).join(",");
    this.bootAt = this.t;
    this.isOn = true;
    this.resets.push({ t: this.t, reason });
    const { cmd: lua, options } = this.lfs.interpreter();
    const args = [...options, EMU, this.firmwareFile, this.dir, String(this.capacity), String(this.seed + this.bootCount), files || "-", this.crypto ? "crypto" : "nocrypto", this.echo ? "echo" : "-", this.int32 ? "int32" : "-", this.inRange, this.lfs.emulationArg()];
    let first: string[];
    if (this.sp === undefined) {
      this.sp = new SyncProcess(lua, args, DONE, this.crypto);
      first = this.sp.call("");
    } else first = this.sp.restart(lua, args);
    this.proc = this.sp;
    this.take(first);
    if (this.foreign > 0 && this.proc !== undefined) this.take(this.proc.call(`S ~filler ${this.foreign}`));
    if (!this.net.isUp && this.proc !== undefined) this.take(this.proc.call(this.net.setUp(false)));
  }

  /** Round trips to the board's Lua process so far: what its simulated time costs in real time. */
  get exchanges(): number {
    return this.sp?.exchanges ?? 0;
  }

  powerOn(): void {
    if (!this.isOn) this.boot("power-on");
  }

  powerOff(): void {
    if (!this.isOn) return;
    this.proc?.call("Q");
    this.net.reset();
    this.proc = undefined;
    this.isOn = false;
    this.levels.clear();
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.events.sort((x, y) => x.at - y.at);
      const next = this.events.length > 0 && this.events[0].at <= end ? this.events[0].at : end;
      while (this.isOn && this.proc !== undefined && this.t < next) {
        this.deliver();
        const boot = this.bootCount;
        if (this.proc !== undefined) this.take(this.proc.call(`A ${next - this.t}`));
        // The process ran its clock to `next` unless it ended (a restart or a cut sets the time
        // itself). Its done line says whole milliseconds only: waiting for that to reach a `next`
        // a few nanoseconds past one asked for the rest in ever smaller steps — once ~250,000
        // round trips, a 29 s stall of the board's serial line in a flash test.
        if (this.bootCount === boot && this.isOn) this.t = Math.max(this.t, next);
      }
      this.t = Math.max(this.t, next);
      if (this.events.length > 0 && this.events[0].at <= end) {
        this.events.shift()!.fn();
        continue;
      }
      break;
    }
    this.t = end;
  }

  cutAfterBytes(n: number): void {
    if (this.proc !== undefined) this.take(this.proc.call(`C ${n}`));
  }

  /** What the board's connections brought since its last step, handed to its callbacks. */
  private deliver(): void {
    for (const e of this.net.take()) if (this.proc !== undefined) this.take(this.proc.call(e));
  }

  /** The Wi-Fi network goes down (connections cut, the chip loses its address) or comes back. */
  setNetworkUp(up: boolean): void {
    const cmd = this.net.setUp(up);
    if (this.proc !== undefined) this.take(this.proc.call(cmd));
  }

  private pinNumber(pin: string): number {
    return Number(/^(?:D|GPIO)(\d+)$/.exec(pin)?.[1] ?? NaN);
  }

  pulse(pin: string, count: number, overMs: number, opts?: { at?: number }): void {
    if (this.proc === undefined) return;
    const from = opts?.at ?? this.t;
    const gap = overMs / count;
    const at: number[] = [];
    for (let i = 0; i < count; i++) at.push(Math.max(from + i * gap, this.t) - this.bootAt);
    this.take(this.proc.call(`P ${this.pinNumber(pin)} ${at.join(" ")}`));
  }

  pinLevel(pin: string): 0 | 1 {
    return this.levels.get(this.pinNumber(pin)) ?? 0;
  }

  onConsoleOutput(cb: (text: string) => void): () => void {
    this.outputs.push(cb);
    return () => this.outputs.splice(this.outputs.indexOf(cb), 1);
  }

  consoleConnected(): void {}

  consoleInput(text: string): void {
    if (this.proc !== undefined) this.take(this.proc.call(`I ${Buffer.from(text, "latin1").toString("hex")}`));
  }

  /** A file of the board's flash as it is now, or undefined when there is none. */
  readFile(name: string): Uint8Array | undefined {
    try {
      return new Uint8Array(readFileSync(join(this.dir, name)));
    } catch {
      return undefined;
    }
  }

  /**
   * An LFS image as `solkit flash` leaves it, before the board boots: the file in its flash and
   * the image in its LFS partition (then it runs in NodeMCU's core). False when the loader refuses it.
   */
  putLfsImage(name: string, data: Uint8Array): boolean {
    this.putFile(name, data);
    this.loadLfs(name);
    return this.lfs.loaded;
  }

  /** A file in the board's flash before it boots (a test giving several targets one identity). */
  putFile(name: string, data: Uint8Array): void {
    writeFileSync(join(this.dir, name), data);
  }

  /**
   * KiB of Lua heap the firmware's code takes once loaded, not run (its functions' bytecode and
   * constants): what LFS would keep in flash on a chip. NaN without a firmware or lua5.3.
   */
  codeHeapKiB(): number {
    if (this.firmwareFile === "-" || this.firmwareFile.startsWith("lfs:")) return NaN;
    const script = `collectgarbage("collect") local b = collectgarbage("count") local f = assert(loadfile(${JSON.stringify(this.firmwareFile)})) collectgarbage("collect") io.write(collectgarbage("count") - b)`;
    const r = spawnSync(process.env.SOLKIT_LUA ?? "lua5.3", ["-e", script], { encoding: "utf8" });
    return r.status === 0 ? Number(r.stdout) : NaN;
  }

  /**
   * KiB of Lua heap the emulation itself holds after a full collection, booted with no program in
   * an empty flash, in the runtime this board's program runs in: nodemcu-emu.lua's code and tables,
   * which on a chip are C modules in ROM. heapKiB() less this is the program's own. NaN on failure.
   */
  emulationHeapKiB(): number {
    const dir = mkdtempSync(join(tmpdir(), "solkit-nodemcu-empty-"));
    try {
      const args = [EMU, "-", dir, String(this.capacity), "1", "-", "nocrypto", "-", "-", "-"];
      const r = !this.lfs.loaded && !this.firmwareFile.startsWith("lfs:")
        ? spawnSync(process.env.SOLKIT_LUA ?? "lua5.3", args, { input: "K #1\nQ #2\n", encoding: "utf8" })
        : spawnSync(luacCross(), ["-e", ...args], { input: "K #1\nQ #2\n", encoding: "utf8" });
      const line = r.stdout?.split("\n").find((l) => l.startsWith("K "));
      return line === undefined ? NaN : Number(line.slice(2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Bytes and write calls the program made to its flash since it last booted (what wears SPIFFS). */
  flashWritten(): { bytes: number; writes: number } {
    const line = this.proc?.call("W").find((l) => l.startsWith("W "));
    const [bytes, writes] = line === undefined ? [NaN, NaN] : line.slice(2).split(" ").map(Number);
    return { bytes, writes };
  }

  /** KiB of Lua heap in use after a full garbage collection (the emulation's included: emulationHeapKiB). */
  heapKiB(): number {
    const line = this.proc?.call("K").find((l) => l.startsWith("K "));
    return line === undefined ? NaN : Number(line.slice(2));
  }

  /** A line typed at the REPL; returns what the board printed in answer. */
  repl(line: string): string {
    let said = "";
    const off = this.onConsoleOutput((t) => (said += t));
    this.consoleInput(`${line}\n`);
    off();
    return said.replace(/\r\n/g, "\n").trim();
  }

  /** Ends the process and removes the flash folder (a finished run). */
  dispose(): void {
    this.powerOff();
    this.sp?.close();
    this.sp = undefined;
    rmSync(this.dir, { recursive: true, force: true });
    if (this.firmwareFile !== "-" && !this.firmwareFile.startsWith("lfs:")) rmSync(this.firmwareFile, { force: true });
    this.lfs.erase();
  }
}
