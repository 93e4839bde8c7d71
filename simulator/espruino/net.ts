/**
 * `require("net")` of an emulated Espruino board over REAL TCP sockets (node:net), so firmware
 * in the simulator can talk to a real MQTT broker on loopback.
 *
 * Espruino's API (libs/network/jswrap_net.c): `connect(options, callback)` returns a socket
 * with `write(data)`, `end(data?)`, `on("connect"|"data"|"end"|"close"|"error", fn)`; data
 * arrives as strings with one character per byte. Wi-Fi, DNS and TLS are not emulated: the
 * host must be an address (or "localhost").
 *
 * Time: socket events happen in real time, but the program only sees them through its event
 * loop, which runs on virtual time. An event is queued at the board's current virtual time
 * and runs at the next `advance` (use `EspruinoBoard.advanceAsync` to let real I/O happen
 * between steps). While the network is down (`setUp(false)`), connects fail and open sockets
 * are closed, as when Wi-Fi drops.
 */
import net from "node:net";
import type { EventLoop, Invoke } from "./event-loop";

type Handler = unknown;

/** The socket object a program gets. */
export class EspruinoSocket {
  private handlers: { [event: string]: Handler[] } = Object.create(null);
  private sock: net.Socket | undefined;
  private closed = false;
  private silenced = false;
  private owner: NetModule;

  constructor(owner: NetModule, sock: net.Socket | undefined) {
    this.owner = owner;
    this.sock = sock;
  }

  on(event: string, fn: Handler): this {
    (this.handlers[event] = this.handlers[event] ?? []).push(fn);
    return this;
  }

  removeAllListeners(event?: string): void {
    if (event === undefined) this.handlers = Object.create(null);
    else delete this.handlers[event];
  }

  /** Queues `data` (a string of bytes, or an array/typed array of bytes). */
  write(data: unknown): boolean {
    if (!this.sock || this.closed) return false;
    this.sock.write(toBuffer(data));
    return true;
  }

  end(data?: unknown): void {
    if (data !== undefined) this.write(data);
    if (this.sock && !this.closed) this.sock.end();
  }

  /** Called by the module: runs handlers for `event` on the board's loop. */
  emit(event: string, arg?: unknown): void {
    if (this.silenced) return;
    if (event === "close") {
      if (this.closed) return;
      this.closed = true;
    }
    const list = this.handlers[event];
    if (!list) return;
    for (const fn of list.slice()) this.owner.queue(`net ${event}`, fn, arg === undefined ? [] : [arg]);
  }

  /** Immediate teardown; `silent` (power off): the program never hears of it. */
  destroy(silent: boolean): void {
    this.silenced = silent;
    if (this.sock) this.sock.destroy();
  }
}

function toBuffer(data: unknown): Buffer {
  if (typeof data === "string") return Buffer.from(data, "latin1");
  if (data instanceof Object && typeof (data as any).length === "number") {
    const a = data as ArrayLike<number>;
    const b = Buffer.alloc(a.length);
    for (let i = 0; i < a.length; i++) b[i] = Number(a[i]) & 0xff;
    return b;
  }
  if (data !== null && typeof data === "object" && Object.prototype.toString.call(data) === "[object ArrayBuffer]") {
    return Buffer.from(new Uint8Array(data as ArrayBuffer));
  }
  return Buffer.from(String(data), "latin1");
}

export class NetModule {
  private loop: EventLoop;
  private invoke: Invoke;
  private sockets: EspruinoSocket[] = [];
  /** False while Wi-Fi / the network is down. */
  up = true;
  /** Real-time I/O events queued for the loop (for `advanceAsync` to know something happened). */
  pendingEvents = 0;
  /** Set at power off: events of this boot's sockets are dropped. */
  private dead = false;

  constructor(loop: EventLoop, invoke: Invoke) {
    this.loop = loop;
    this.invoke = invoke;
  }

  queue(what: string, fn: Handler, args: unknown[]): void {
    this.pendingEvents++;
    this.loop.schedule(this.loop.now, () => {
      this.pendingEvents--;
      if (!this.dead) this.invoke(what, fn, args);
    });
  }

  /** The object `require("net")` returns. */
  api(): { connect: (options: unknown, cb?: Handler) => EspruinoSocket } {
    return { connect: (options, cb) => this.connect(options, cb) };
  }

  private connect(options: unknown, cb?: Handler): EspruinoSocket {
    const o = (options ?? {}) as { host?: string; port?: number };
    const host = o.host === undefined || o.host === "localhost" ? "127.0.0.1" : String(o.host);
    const port = Number(o.port ?? 80);
    if (!this.up) {
      const failed = new EspruinoSocket(this, undefined);
      this.loop.schedule(this.loop.now, () => {
        if (this.dead) return;
        failed.emit("error", { code: -1, message: "no connection" });
        failed.emit("close", false);
      });
      return failed;
    }
    const sock = net.connect({ host, port });
    sock.setNoDelay(true);
    const s = new EspruinoSocket(this, sock);
    this.sockets.push(s);
    sock.on("connect", () => {
      if (cb !== undefined) this.queue("net connect", cb, []);
      s.emit("connect");
    });
    sock.on("data", (d: Buffer) => s.emit("data", d.toString("latin1")));
    sock.on("end", () => s.emit("end"));
    sock.on("error", (e: NodeJS.ErrnoException) => s.emit("error", { code: -1, message: e.code ?? e.message }));
    sock.on("close", (hadError: boolean) => {
      this.sockets = this.sockets.filter((x) => x !== s);
      s.emit("close", hadError);
    });
    return s;
  }

  /** Network down or up. Going down closes every socket (the program sees "close"). */
  setUp(up: boolean): void {
    this.up = up;
    if (!up) {
      for (const s of this.sockets) {
        s.destroy(false);
        s.emit("close", true);
      }
      this.sockets = [];
    }
  }

  /** Power off: sockets vanish without the program hearing about it. */
  powerOff(): void {
    this.dead = true;
    for (const s of this.sockets) s.destroy(true);
    this.sockets = [];
  }

  openSockets(): number {
    return this.sockets.length;
  }
}
