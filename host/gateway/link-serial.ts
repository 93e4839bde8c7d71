/**
 * Devices on a USB serial cable: their console carries log lines and `@SK1:` frame lines
 * (PROTOCOL.md 5.1), split at LF whatever the chunking; acks go back as lines the board's
 * REPL evaluates (5.2). A pulled cable or a port that vanishes is logged and retried until
 * it comes back; the device keeps unacked readings meanwhile and sends them again.
 */
import type { SerialPort } from "serialport";
import { serialPort } from "../serial-port";
import { encodePublicKey } from "../../shared/crypto/strkey";
import { KIND_READING } from "../../shared/protocol/common";
import { encodeDownlinkLine, LineParser } from "../../shared/protocol/frame";
import type { SerialPortConfig } from "./config";
import type { Logger } from "./log";
import type { LinkContext, Pipeline } from "./pipeline";

export interface SerialLinkOptions {
  port: SerialPortConfig;
  pipeline: Pipeline;
  logger: Logger;
  retryMs: number;
  /** Whether readings are published upstream (always, unless there is no upstream at all). */
  relay: boolean;
  /** A device was heard on this port (true) or the port closed (false). */
  onDeviceStatus?(device: string, online: boolean): void;
}

export class SerialLink {
  private port: SerialPort | undefined;
  private parser = new LineParser();
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private failing = false;
  private readonly devices = new Set<string>();
  readonly ctx: LinkContext;

  constructor(private readonly o: SerialLinkOptions) {
    this.ctx = {
      name: `serial:${o.port.path}`,
      relay: o.relay,
      sendAck: (device, ack) => this.write(encodeDownlinkLine(ack, o.port.repl ?? device.repl)),
    };
  }

  get path(): string {
    return this.o.port.path;
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const p = this.port;
    this.port = undefined;
    if (p?.isOpen) await new Promise<void>((res) => p.close(() => res()));
    this.offline();
  }

  /** Writes a downlink line (latin1: one byte per character, 0x10 included). */
  write(line: string): void {
    if (!this.port?.isOpen) throw new Error(`${this.o.port.path} is not open`);
    this.port.write(Buffer.from(line, "latin1"));
  }

  private open(): void {
    const { path, baudRate } = this.o.port;
    const port = serialPort({ path, baudRate, autoOpen: false });
    this.port = port;
    port.open((err) => {
      if (this.stopped || this.port !== port) {
        if (!err) port.close();
        return;
      }
      if (err) {
        if (!this.failing) this.o.logger.log("warn", "serial", `${path}: cannot open (${err.message}); retrying every ${this.o.retryMs} ms`);
        this.failing = true;
        this.scheduleRetry();
        return;
      }
      this.o.logger.log("info", "serial", `${path}: open at ${baudRate} baud${this.failing ? " (back after an outage)" : ""}`);
      this.failing = false;
      this.parser = new LineParser(); // a half line from before the outage is not part of the next one
    });
    port.on("data", (chunk: Buffer) => this.data(chunk));
    port.on("close", () => this.closed(port, "closed"));
    port.on("error", (e) => this.closed(port, e.message));
  }

  private closed(port: SerialPort, why: string): void {
    if (this.port !== port || this.stopped) return;
    this.port = undefined;
    this.o.logger.log("warn", "serial", `${this.o.port.path}: lost (${why}; cable pulled or port gone); retrying every ${this.o.retryMs} ms`);
    this.failing = true;
    this.offline();
    if (port.isOpen) port.close(() => {});
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retry);
    if (!this.stopped) this.retry = setTimeout(() => this.open(), this.o.retryMs);
  }

  private offline(): void {
    for (const d of this.devices) this.o.onDeviceStatus?.(d, false);
    this.devices.clear();
  }

  private data(chunk: Buffer): void {
    for (const ev of this.parser.push(chunk.toString("latin1"))) {
      if (ev.type === "log") {
        if (ev.text.length) this.o.logger.log("debug", "console", `${this.o.port.path}: ${ev.text}`);
      } else if (ev.type === "error") {
        const why = ev.code === "E_CRC" ? "line noise; not acked, the device resends" : `malformed frame line "${ev.text.slice(0, 40)}…"`;
        this.o.pipeline.reject(this.ctx, ev.code, why);
      } else if (ev.frame) {
        if (ev.frame.kind === KIND_READING) this.heard(encodePublicKey(ev.frame.message.subarray(8, 40)));
        this.o.pipeline.submit(ev.frame, this.ctx);
      }
    }
  }

  private heard(device: string): void {
    if (this.devices.has(device)) return;
    this.devices.add(device);
    this.o.onDeviceStatus?.(device, true);
  }
}

