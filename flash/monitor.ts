/**
 * The serial monitor without the terminal: reads a board's console, splits it into log lines
 * and `@SK1:` frames, checks every reading (signature and hash chain, StreamVerifier) and
 * whether its device is in the gateway's registry, and reopens the port by itself when it
 * vanishes (cable pulled, board reset over USB) and comes back. The chain state survives a
 * reconnect, so readings the device re-sends afterwards show as re-sent, not as replays.
 */
import { existsSync } from "node:fs";
import type { SerialPort } from "serialport";
import { nodeVerifier } from "../host/crypto/node-verifier";
import { Registry } from "../host/gateway/registry";
import { openStore } from "../host/gateway/store-sqlite";
import { StreamVerifier, type Verdict } from "../host/verify/stream-verifier";
import { LineParser, visibleLine, LINE_PREFIX, type Frame } from "../shared/protocol/frame";
import { KIND_READING } from "../shared/protocol/common";
import { decodeReading } from "../shared/protocol/reading";
import { toHex } from "../shared/bytes";
import { SolkitError } from "../shared/errors";
import { closePort, openPort } from "./port-open";
import { isStatusEnd, isStatusStart, parseStatus, statusSummary, type DeviceStatus } from "./device-status";

export type MonitorEvent =
  | { type: "log"; t: number; text: string }
  | { type: "frame"; t: number; verdict: Verdict<number>; known: boolean; name: string; missed?: number }
  | { type: "bad-line"; t: number; code: string; text: string }
  | { type: "partial"; t: number; text: string }
  | { type: "raw"; t: number; text: string }
  /** A frame line exactly as it came (for --log: a log that `solkit verify` can check again). */
  | { type: "frame-line"; t: number; text: string }
  | { type: "port"; t: number; event: "open" | "lost" | "back"; detail: string }
  /** The device's status (asked for on connect and every statusEveryMs), as one line. */
  | { type: "status"; t: number; status: DeviceStatus; summary: string };

export interface MonitorOptions {
  path: string;
  baud: number;
  /** The gateway database to look devices up in (not created when missing). */
  database?: string;
  /** Pass bytes through undecoded. */
  raw?: boolean;
  /** Milliseconds between reopen attempts (default 250). */
  retryMs?: number;
  /** Ask the device for its status on connect and then every this many ms (0: never). */
  statusEveryMs?: number;
  /** Show a line still being typed (prompt, echo) after this many idle ms (default 80; 0: never). */
  partialMs?: number;
  onEvent: (e: MonitorEvent) => void;
}

export interface MonitorCounts {
  logLines: number;
  valid: number;
  invalid: number;
  unproven: number;
  duplicate: number;
  badLines: number;
  reconnects: number;
}

/** Known devices from the registry: id → name ("" when unnamed). Empty when there is no database. */
export function registryNames(database: string | undefined): Map<string, string> {
  const names = new Map<string, string>();
  if (!database || !existsSync(database)) return names;
  const db = openStore(database);
  try {
    for (const d of new Registry(db).list()) names.set(d.id, d.name);
  } finally {
    db.close();
  }
  return names;
}

export class Monitor {
  readonly counts: MonitorCounts = { logLines: 0, valid: 0, invalid: 0, unproven: 0, duplicate: 0, badLines: 0, reconnects: 0 };
  private port: SerialPort | undefined;
  private parser = new LineParser();
  /** One verifier per device (a gap restarts that device's chain), one for the rest. */
  private readonly chains = new Map<string, StreamVerifier<number>>();
  private readonly others = new StreamVerifier<number>(nodeVerifier);
  /** Newest verified sequence number per device (hex id), to count readings missed. */
  private readonly lastSeq = new Map<string, number>();
  private names: Map<string, string>;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private partialTimer: NodeJS.Timeout | undefined;
  private tail = "";
  private frameNo = 0;
  private lostAt = 0;
  private refreshedAt = 0;
  private statusTimer: NodeJS.Timeout | undefined;
  private typedAt = 0;
  /** Lines of a status text being collected (undefined: not in one). */
  private statusLines: string[] | undefined;

  constructor(private readonly o: MonitorOptions) {
    this.names = registryNames(o.database);
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true;
  }

  /**
   * Opens the port (the first open must succeed: a wrong path or a busy port is an error).
   * @throws SolkitError E_PORT_MISSING, E_PORT_BUSY, E_PORT_PERMISSION, E_PORT
   */
  async start(): Promise<void> {
    this.attach(await openPort(this.o.path, this.o.baud));
    this.emit({ type: "port", t: Date.now(), event: "open", detail: `${this.o.path} at ${this.o.baud} baud` });
    const every = this.o.statusEveryMs ?? 0;
    if (every > 0 && !this.o.raw) {
      setTimeout(() => this.askStatus(), 300).unref();
      this.statusTimer = setInterval(() => this.askStatus(), every);
      this.statusTimer.unref();
    }
  }

  /** Sends text to the board's REPL as typed (dropped, returning false, while the port is away). */
  send(text: string): boolean {
    this.typedAt = Date.now();
    return this.write(text);
  }

  private write(text: string): boolean {
    if (!this.port?.isOpen) return false;
    this.port.write(Buffer.from(text, "latin1"));
    return true;
  }

  /** A no-echo status request: answered on a locked console and on an open REPL alike. */
  private askStatus(): void {
    // Never into a line the technician is typing: a status can wait for the next round.
    if (Date.now() - this.typedAt < 10_000 || visibleLine(this.tail).replace(/^[>:]/, "") !== "") return;
    this.write("\x10solkit.status()\n");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.statusTimer);
    clearTimeout(this.retry);
    clearTimeout(this.partialTimer);
    const p = this.port;
    this.port = undefined;
    await closePort(p);
    for (const v of [...this.chains.values(), this.others].flatMap((c) => c.finish())) this.frame(v, Date.now());
  }

  private emit(e: MonitorEvent): void {
    this.o.onEvent(e);
  }

  private attach(port: SerialPort): void {
    this.port = port;
    this.parser = new LineParser(); // a half line from before an outage is not part of the next one
    this.tail = "";
    port.on("data", (d: Buffer) => this.data(d));
    const lost = (why: string) => {
      if (this.port !== port || this.stopped) return;
      this.port = undefined;
      this.lostAt = Date.now();
      this.emit({ type: "port", t: Date.now(), event: "lost", detail: `${why}; waiting for ${this.o.path} to come back` });
      closePort(port).catch(() => {});
      this.scheduleReopen();
    };
    port.on("close", () => lost("port closed (cable pulled?)"));
    port.on("error", (e: Error) => lost(e.message));
  }

  private scheduleReopen(): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => {
      if (this.stopped) return;
      if (!existsSync(this.o.path)) return this.scheduleReopen();
      openPort(this.o.path, this.o.baud).then(
        (port) => {
          if (this.stopped) return void closePort(port);
          this.counts.reconnects++;
          this.attach(port);
          const away = ((Date.now() - this.lostAt) / 1000).toFixed(1);
          this.emit({ type: "port", t: Date.now(), event: "back", detail: `${this.o.path} back after ${away} s` });
          if ((this.o.statusEveryMs ?? 0) > 0) setTimeout(() => this.askStatus(), 300).unref();
        },
        () => this.scheduleReopen(),
      );
    }, this.o.retryMs ?? 250);
  }

  private data(d: Buffer): void {
    // XON/XOFF are the board's flow control, not text.
    const text = d.toString("latin1").replace(/[\x11\x13]/g, "");
    const t = Date.now();
    if (this.o.raw) return this.emit({ type: "raw", t, text });
    for (const ev of this.parser.push(text)) {
      if (ev.type === "log") {
        if (this.statusLine(ev.text, t)) continue;
        this.counts.logLines++;
        this.emit({ type: "log", t, text: ev.text });
      } else if (ev.type === "error") {
        this.counts.badLines++;
        this.emit({ type: "bad-line", t, code: ev.code, text: ev.text });
      } else if (ev.frame) {
        this.emit({ type: "frame-line", t, text: ev.text });
        try {
          this.check(ev.frame, t);
        } catch (e) {
          this.counts.badLines++;
          this.emit({ type: "bad-line", t, code: e instanceof SolkitError ? e.code : "E_FRAME", text: ev.text.slice(0, 80) });
        }
      }
    }
    const nl = text.lastIndexOf("\n");
    this.tail = nl >= 0 ? text.slice(nl + 1) : this.tail + text;
    clearTimeout(this.partialTimer);
    const wait = this.o.partialMs ?? 80;
    const shown = visibleLine(this.tail);
    if (wait > 0 && shown !== "" && !shown.startsWith(LINE_PREFIX)) {
      this.partialTimer = setTimeout(() => this.emit({ type: "partial", t: Date.now(), text: visibleLine(this.tail) }), wait);
    }
  }

  /** Collects a status text into one event; true when `text` was part of one. */
  private statusLine(text: string, t: number): boolean {
    const line = visibleLine(text).replace(/^[>:]+/, "");
    if (isStatusStart(line)) this.statusLines = [];
    if (this.statusLines === undefined) return false;
    this.statusLines.push(line);
    if (isStatusEnd(line) || this.statusLines.length > 30) {
      const status = parseStatus(this.statusLines.join("\n"));
      this.statusLines = undefined;
      this.emit({ type: "status", t, status, summary: statusSummary(status) });
    }
    return true;
  }

  /**
   * Verifies a frame. A monitor only listens: readings it missed (port away, a line lost to
   * noise) are not the device's fault, so a gap restarts that device's chain at the reading
   * after it, whose own signature is still checked, and is shown as missed readings.
   */
  private check(frame: Frame, t: number): void {
    if (frame.kind !== KIND_READING) {
      for (const v of this.others.add(frame, ++this.frameNo)) this.frame(v, t);
      return;
    }
    const key = toHex(decodeReading(frame.message).deviceId);
    let chain = this.chains.get(key);
    if (!chain) this.chains.set(key, (chain = new StreamVerifier<number>(nodeVerifier)));
    const verdicts = chain.add(frame, ++this.frameNo);
    const gap = verdicts.find((v) => v.status === "invalid" && v.reason === "E_GAP");
    if (!gap || !gap.reading) return verdicts.forEach((v) => this.frame(v, t));
    for (const v of verdicts) if (v !== gap) this.frame(v, t);
    for (const v of chain.finish()) this.frame(v, t); // unsigned readings before the gap stay unproven
    const fresh = new StreamVerifier<number>(nodeVerifier);
    this.chains.set(key, fresh);
    const last = this.lastSeq.get(key);
    const missed = last === undefined ? undefined : gap.reading.seq - 1 - last;
    for (const v of fresh.add(frame, gap.ref)) this.frame(v, t, v.ref === gap.ref ? missed : undefined);
  }

  private frame(v: Verdict<number>, t: number, missed?: number): void {
    if (v.kind === "reading") this.counts[v.status]++;
    if (v.status === "valid" && v.reading) {
      const k = toHex(v.reading.deviceId);
      this.lastSeq.set(k, Math.max(this.lastSeq.get(k) ?? -1, v.reading.seq));
    }
    let name = v.device ? this.names.get(v.device) : undefined;
    if (v.device && name === undefined && Date.now() - this.refreshedAt > 5000) {
      this.refreshedAt = Date.now();
      this.names = registryNames(this.o.database); // provisioned since we started?
      name = this.names.get(v.device);
    }
    this.emit({ type: "frame", t, verdict: v, known: name !== undefined, name: name ?? "", missed });
  }
}
