/**
 * An emulated Espruino board on a pseudo-terminal, in real time: what `solkit flash`,
 * `solkit monitor` and the gateway open as if it were a board on a USB cable
 * (DESIGN.md "Simulator": "a simulated board can be exposed on a pseudo-terminal").
 *
 *   host ── /dev/pts/N (link at `path`) ── socat ── TCP 127.0.0.1 ── SerialWire ── EspruinoBoard
 *
 * A wall-clock loop advances the board's virtual time by the real time elapsed, so its timers
 * run at their real pace; the wire (pty-wire.ts) paces bytes at the baud rate and does
 * Espruino's XON/XOFF. socat keeps the pty's slave side open itself, so the link survives the
 * host closing and reopening it; that the host closed is seen in /proc (no process but socat
 * holds the pty), and the board's output is then dropped, as a UART's would be.
 * `unplug()` ends socat: the link disappears and the host's open port errors, as when a cable
 * is pulled; `replug()` makes a new pty at the same path. The console is also served on a
 * TCP port of its own (`tcpPort`) for tools that talk `tcp://host:port` (EspruinoTools).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Board } from "../boards/board-type";
import { loadBoard } from "../boards/validate";
import { SolkitError } from "../shared/errors";
import { NODEMCU_INIT_LFS, NODEMCU_INIT_LUA, NODEMCU_LFS_IMAGE_FILE, NODEMCU_PROGRAM_FILE } from "../toolchain/nodemcu-files";
import { buildLfsImage } from "../toolchain/nodemcu-lfs";
import type { EspruinoBoard } from "./espruino/board";
import { emulatedBoard, flashAndBoot } from "./espruino/from-board";
import { NodeMcuBoard } from "./lua/nodemcu-board";
import { espruinoWire, SerialWire, wireBoard, type ExecModel, type WireBoard } from "./pty-wire";

export interface PtyBoardOptions {
  /** Board id (boards/<id>.json) or a loaded board. */
  board: string | Board;
  /** Seeds the board's random sources (default 1). */
  seed?: number;
  /** Where the pty's symlink goes (e.g. /tmp/x/ttyBOARD). */
  path: string;
  /** A bundle to put in .bootcde before power-on (what a flashed board runs). */
  firmware?: string;
  /** Use this board (and its flash) instead of a new one. */
  emu?: EspruinoBoard;
  /** Default: the board file's link.serial.baud. */
  baud?: number;
  rxBufferBytes?: number;
  flowControl?: boolean;
  exec?: Partial<ExecModel>;
  /** Wall-clock milliseconds between steps (default 4). */
  tickMs?: number;
}

export type PtyEventKind = "host-open" | "host-closed" | "unplugged" | "replugged" | "tcp-connected" | "tcp-closed";

export interface PtyEvent {
  kind: PtyEventKind;
  /** Board virtual time, ms. */
  t: number;
}

/** What the pty needs of a board beyond the wire's part: power, the USB link, its clock. */
export interface PtyHostedBoard {
  readonly isOn: boolean;
  readonly now: number;
  powerOn(): void;
  powerOff(): void;
  consoleConnected(connected: boolean): void;
  advance(ms: number): void;
}

export interface PtyBoard<B extends PtyHostedBoard = EspruinoBoard> {
  readonly emu: B;
  readonly wire: SerialWire;
  readonly path: string;
  /** The console as a TCP socket on 127.0.0.1 (one client at a time; the newest wins). */
  readonly tcpPort: number;
  readonly events: PtyEvent[];
  /** True while some process has the pty open (or wrote to it lately). */
  readonly hostOpen: boolean;
  readonly plugged: boolean;
  /** Test hook: rewrites bytes from the host before they reach the wire (line noise). */
  hostFilter: ((data: Uint8Array) => Uint8Array) | undefined;
  /**
   * The real-time loop's health, for a test that fails to say why: its steps, the longest one
   * and the longest wait between two (this process busy elsewhere). What the host sent is the
   * wire's (`wire.stats`, `wire.pendingToBoard`).
   */
  readonly loop: { steps: number; longestStepMs: number; longestGapMs: number };
  onEvent(cb: (e: PtyEvent) => void): () => void;
  /** The cable out: the link disappears. `powerOff` also cuts the board's power (USB-powered). */
  unplug(opts?: { powerOff?: boolean }): Promise<void>;
  /** The cable back in (and power, if unplug cut it). */
  replug(): Promise<void>;
  /** Ends socat and the servers; the board object stays for inspection. */
  stop(): Promise<void>;
}

async function waitUntil(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new SolkitError("E_TIMEOUT", `pty board: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function listen(onSocket: (s: Socket) => void): Promise<Server> {
  const server = createServer(onSocket);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return server;
}

/** Whether any process other than `except` has `device` open (a scan of /proc/<pid>/fd). */
export function deviceHeldOpen(device: string, except: Set<number>): boolean {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return true; // no /proc: assume someone listens rather than drop output
  }
  for (const pid of pids) {
    if (except.has(Number(pid))) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === device) return true;
      } catch {
        // closed meanwhile
      }
    }
  }
  return false;
}

/**
 * Starts an emulated board on a pseudo-terminal at `opts.path`.
 * @throws SolkitError E_UNSUPPORTED for a board the Espruino emulation cannot run,
 *   E_TIMEOUT when socat does not make the pty (is socat installed?)
 */
/**
 * Where the pty's link may go: in a folder that exists, at a path nothing holds (issue 11: a
 * missing folder hung on a wrong hint about socat; an existing link was taken over, then deleted).
 * @throws SolkitError E_USAGE (no such folder), E_IN_USE (the path exists)
 */
export function checkPtyPath(path: string): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw new SolkitError("E_USAGE", `--pty ${path}: the folder ${dir} does not exist`);
  let taken = false;
  try {
    lstatSync(path);
    taken = true;
  } catch {
    // free
  }
  if (taken) throw new SolkitError("E_IN_USE", `--pty ${path} already exists (another solkit sim --pty?); stop that one, or choose another path`);
}

export async function startPtyBoard(opts: PtyBoardOptions): Promise<PtyBoard> {
  checkPtyPath(opts.path);
  const board = typeof opts.board === "string" ? loadBoard(opts.board) : opts.board;
  const emu = opts.emu ?? emulatedBoard(board, opts.seed ?? 1, { callbackTimeoutMs: 0 });
  if (!opts.emu) {
    if (opts.firmware !== undefined) flashAndBoot(emu, opts.firmware);
    else emu.powerOn();
  }
  return servePty(emu, espruinoWire(emu), board, opts);
}

export interface NodeMcuPtyOptions {
  board: string | Board;
  seed?: number;
  path: string;
  /** A Lua bundle already in its flash (as `solkit flash` leaves it); without one, a NodeMCU board with an empty flash. */
  firmware?: string;
  /**
   * The bundle as its LFS image (lfs.img, run from LFS in NodeMCU's own Lua core), as `solkit
   * flash` puts it, when luac.cross can be built; false: as source (solkit.lua, lua5.3).
   */
  lfs?: boolean;
  baud?: number;
  tickMs?: number;
  /** The board's firmware reports 32-bit integers (NodeMCU's default build). */
  int32?: boolean;
  /** The board's firmware has no Lua Flash Store (no node.LFS). */
  noLfsPartition?: boolean;
  /** Bytes of its LFS partition (default 512 KiB). */
  lfsPartitionBytes?: number;
}

/**
 * A simulated NodeMCU board (simulator/lua/: lua5.3, or NodeMCU's core with an LFS image) on a pseudo-terminal: its REPL echoes
 * and prompts as on a board's serial console; what `solkit flash --board nodemcu-*` talks to.
 * Call `emu.dispose()` after `stop()`: it ends the Lua process and removes the flash folder.
 * @throws SolkitError E_USAGE/E_IN_USE for the path, E_TIMEOUT when socat does not make the pty
 */
export async function startNodemcuPtyBoard(opts: NodeMcuPtyOptions): Promise<PtyBoard<NodeMcuBoard>> {
  checkPtyPath(opts.path);
  const board = typeof opts.board === "string" ? loadBoard(opts.board) : opts.board;
  const emu = new NodeMcuBoard(board, undefined, opts.seed ?? 1, { echo: true, int32: opts.int32, noLfsPartition: opts.noLfsPartition, lfsPartitionBytes: opts.lfsPartitionBytes });
  if (opts.firmware !== undefined && opts.lfs === true) {
    const image = join(tmpdir(), `solkit-pty-lfs-${process.pid}-${randomUUID()}.img`);
    try {
      buildLfsImage(opts.firmware, image);
      if (!emu.putLfsImage(NODEMCU_LFS_IMAGE_FILE, new Uint8Array(readFileSync(image)))) throw new Error("NodeMCU's loader refused the build's own LFS image");
    } finally {
      rmSync(image, { force: true });
    }
    emu.putFile("init.lua", new Uint8Array(Buffer.from(NODEMCU_INIT_LFS, "latin1")));
  } else if (opts.firmware !== undefined) {
    emu.putFile(NODEMCU_PROGRAM_FILE, new Uint8Array(Buffer.from(opts.firmware, "latin1")));
    emu.putFile("init.lua", new Uint8Array(Buffer.from(NODEMCU_INIT_LUA, "latin1")));
  }
  emu.powerOn();
  // NodeMCU's console has no XON/XOFF: a host paces itself by the answers.
  return servePty(emu, wireBoard(emu), board, { ...opts, flowControl: false });
}

/** Serves `emu` (through `wireBoard`) on a pty and a TCP port, in real time. */
async function servePty<B extends PtyHostedBoard>(emu: B, wireBoard: WireBoard, board: Board, opts: Pick<PtyBoardOptions, "path" | "baud" | "rxBufferBytes" | "flowControl" | "exec" | "tickMs">): Promise<PtyBoard<B>> {
  const wire = new SerialWire(wireBoard, { baud: opts.baud ?? board.link.serial?.baud ?? 115200, rxBufferBytes: opts.rxBufferBytes, flowControl: opts.flowControl, exec: opts.exec });
  const cdc = board.link.serial?.usb === "cdc";
  const events: PtyEvent[] = [];
  const listeners: ((e: PtyEvent) => void)[] = [];
  const event = (kind: PtyEventKind) => {
    const e = { kind, t: emu.now };
    events.push(e);
    for (const l of listeners) l(e);
  };

  let bridge: Socket | undefined;
  let direct: Socket | undefined;
  let socat: ChildProcess | undefined;
  let device = "";
  let hostOpen = false;
  let plugged = false;
  let poweredOffByUnplug = false;
  let lastScan = 0;
  const self: PtyBoard<B> = {
    emu,
    wire,
    path: opts.path,
    tcpPort: 0,
    events,
    get hostOpen() {
      return hostOpen;
    },
    get plugged() {
      return plugged;
    },
    hostFilter: undefined,
    loop: { steps: 0, longestStepMs: 0, longestGapMs: 0 },
    onEvent(cb) {
      listeners.push(cb);
      return () => listeners.splice(listeners.indexOf(cb), 1);
    },
    unplug: async (o) => {
      if (!plugged) return;
      plugged = false;
      await endSocat();
      wire.clear();
      setHost(false);
      if (cdc) emu.consoleConnected(false); // a USB CDC board knows its host is gone
      if (o?.powerOff) {
        emu.powerOff();
        poweredOffByUnplug = true;
      }
      event("unplugged");
    },
    replug: async () => {
      if (plugged) return;
      if (poweredOffByUnplug) emu.powerOn();
      poweredOffByUnplug = false;
      emu.consoleConnected(true);
      await startSocat();
      plugged = true;
      event("replugged");
    },
    stop: async () => {
      clearInterval(timer);
      plugged = false;
      await endSocat();
      direct?.destroy();
      await Promise.all([bridgeServer, directServer].map((s) => new Promise((r) => s.close(() => r(undefined)))));
    },
  };

  const fromHost = (data: Buffer) => {
    const bytes = self.hostFilter ? self.hostFilter(new Uint8Array(data)) : new Uint8Array(data);
    wire.fromHost(bytes);
  };
  const bridgeServer = await listen((s) => {
    bridge?.destroy();
    bridge = s;
    s.setNoDelay(true);
    s.on("data", (d: Buffer) => {
      setHost(true); // whoever wrote has the port open: no need to wait for the /proc scan
      fromHost(d);
    });
    s.on("error", () => {});
    s.on("close", () => {
      if (bridge === s) bridge = undefined;
    });
  });
  const directServer = await listen((s) => {
    direct?.destroy();
    direct = s;
    s.setNoDelay(true);
    event("tcp-connected");
    s.on("data", fromHost);
    s.on("error", () => {});
    s.on("close", () => {
      if (direct === s) {
        direct = undefined;
        event("tcp-closed");
      }
    });
  });
  (self as { tcpPort: number }).tcpPort = (directServer.address() as AddressInfo).port;

  function setHost(open: boolean): void {
    if (open === hostOpen) return;
    hostOpen = open;
    event(open ? "host-open" : "host-closed");
  }

  async function startSocat(): Promise<void> {
    const port = (bridgeServer.address() as AddressInfo).port;
    const p = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${opts.path}`, `tcp:127.0.0.1:${port},nodelay`], { stdio: ["ignore", "ignore", "pipe"] });
    socat = p;
    p.stderr!.on("data", () => {});
    p.on("error", () => {});
    await waitUntil(() => existsSync(opts.path) && bridge !== undefined, `socat's pty at ${opts.path} (is socat installed?)`);
    device = realpathSync(opts.path);
  }

  async function endSocat(): Promise<void> {
    const p = socat;
    socat = undefined;
    bridge?.destroy();
    bridge = undefined;
    if (p && p.exitCode === null && p.signalCode === null) {
      const gone = new Promise((r) => p.once("exit", r));
      p.kill("SIGTERM");
      await gone;
    }
    try {
      unlinkSync(opts.path); // socat removes its link on a clean exit; make sure
    } catch {
      // already gone
    }
  }

  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const dt = Math.min(now - last, 250); // a stalled host process does not make the board leap
    self.loop.longestGapMs = Math.max(self.loop.longestGapMs, now - last);
    last = now;
    if (plugged && socat && now - lastScan > 200) {
      lastScan = now;
      setHost(deviceHeldOpen(device, new Set([socat.pid ?? -1])));
    }
    const listening = (plugged && hostOpen && bridge !== undefined) || direct !== undefined;
    const out = wire.step(dt, listening);
    if (out.length > 0) {
      const buf = Buffer.from(out);
      if (plugged && hostOpen) bridge?.write(buf);
      direct?.write(buf);
    }
    if (emu.isOn) emu.advance(dt);
    self.loop.steps++;
    self.loop.longestStepMs = Math.max(self.loop.longestStepMs, performance.now() - now);
  }, opts.tickMs ?? 4);

  await startSocat();
  plugged = true;
  return self;
}
