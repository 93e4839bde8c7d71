/**
 * The light host: what the gateway does for one serial line, in-process and synchronous, so a
 * simulated week costs only the board's own work. It verifies with the line tap (the host's
 * stream verifier), acks the newest authenticated reading with the device's HMAC key and its
 * own clock (simulated time, plus any clock jump the scenario injects), and "publishes" every
 * authenticated reading upstream when the broker is up — keeping a spool while it is down,
 * as the gateway does (acks never wait for the broker: the spool is durable).
 */
import { encodeAck } from "../../shared/protocol/ack";
import { encodeDownlinkLine, encodeFrame } from "../../shared/protocol/frame";
import { LineTap, nodeSha256 } from "./tap";
import type { HostDevice, SimHost } from "./sim-host";

interface Entry {
  dev: HostDevice;
  tap: LineTap;
  acked: number;
  published: number;
}

export class LightHost implements SimHost {
  readonly kind = "light";
  acking = true;
  brokerUp = true;
  /** Added to the host's clock (seconds) in acks: a host whose clock jumped. */
  clockOffsetS = 0;
  upstreamDelivered = 0;
  private readonly devices = new Map<string, Entry>();

  constructor(private readonly startUnixS: number) {}

  addDevice(dev: HostDevice, tap: LineTap): void {
    this.devices.set(dev.id, { dev, tap, acked: -1, published: 0 });
  }

  receive(id: string, text: string, simMs: number): void {
    const e = this.devices.get(id);
    if (e) e.tap.push(text, simMs);
  }

  hostTimeS(simMs: number): number {
    return Math.floor(this.startUnixS + simMs / 1000 + this.clockOffsetS);
  }

  /** After a step: ack what is newly proven, publish what the broker can take. */
  async settle(simMs: number): Promise<void> {
    this.tick(simMs);
  }

  tick(simMs: number): void {
    for (const e of this.devices.values()) {
      const newest = e.tap.newestProven;
      if (this.brokerUp) {
        this.upstreamDelivered += e.tap.order.length - e.published;
        e.published = e.tap.order.length;
      }
      if (!this.acking || newest < 0) continue;
      // Re-sent readings are acked again too (the device may have missed the last ack).
      const again = this.resent(e) || this.ahead(e);
      if (newest <= e.acked && !again) continue;
      e.acked = newest;
      const ack = encodeAck({ deviceId: e.dev.publicKey, seq: newest, hostTime: this.hostTimeS(simMs) }, e.dev.hmacKey, nodeSha256);
      e.dev.write(encodeDownlinkLine(encodeFrame(ack), e.dev.repl ?? "espruino"));
    }
  }

  private lastDup = new Map<string, number>();

  /** True once per batch of duplicates: the device re-sent what was acked, so ack again. */
  private resent(e: Entry): boolean {
    const before = this.lastDup.get(e.dev.id) ?? 0;
    this.lastDup.set(e.dev.id, e.tap.duplicates);
    return e.tap.duplicates > before;
  }

  private lastGaps = new Map<string, number>();

  /**
   * True once per batch of readings that came ahead of the chain (E_GAP): as the gateway does,
   * ack where the host stands so the device resends from there at once.
   */
  private ahead(e: Entry): boolean {
    const gaps = e.tap.invalid.filter((i) => i.reason === "E_GAP").length;
    const before = this.lastGaps.get(e.dev.id) ?? 0;
    this.lastGaps.set(e.dev.id, gaps);
    return gaps > before;
  }

  spoolDepth(): number {
    let n = 0;
    for (const e of this.devices.values()) n += e.tap.order.length - e.published;
    return n;
  }

  setBroker(up: boolean): Promise<void> {
    this.brokerUp = up;
    return Promise.resolve();
  }

  async close(): Promise<void> {}
}
