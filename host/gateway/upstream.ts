/**
 * The upstream MQTT connection: drains the spool in order with a window of QoS 1 publishes
 * in flight, deletes each message only after its PUBACK (PROTOCOL.md 6.1), and keeps the
 * latest retained messages (state, status, discovery) to send again after a reconnect.
 *
 * Reconnects with a fresh MQTT.js client each time (reconnectPeriod 0): MQTT.js would
 * otherwise resend its own in-flight store on reconnect while the spool resends the same
 * rows, and consumers would see each such reading twice. The spool is the one source of
 * what is still owed upstream. The gateway's status topic is its last will (retained
 * "offline"), so dashboards see a gateway that died.
 */
import type { MqttClient } from "mqtt";
import type { BrokerConfig } from "./config";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";
import { connectBroker, safeUrl } from "./mqtt-connect";
import type { Spool, SpoolItem } from "./spool";
import { STATUS_OFFLINE, STATUS_ONLINE } from "../protocol/mqtt-payload";

export interface UpstreamOptions {
  broker: BrokerConfig;
  clientId: string;
  /** Retained "online"/"offline" of the gateway itself (its last will). */
  statusTopic: string;
  spool: Spool;
  metrics: Metrics;
  logger: Logger;
  /** Publishes in flight at once. */
  window?: number;
  reconnectMs?: number;
}

export class Upstream {
  private client: MqttClient | undefined;
  private generation = 0;
  private isConnected = false;
  private stopped = false;
  private cursor = 0;
  private readonly inflight = new Set<number>();
  private acked: SpoolItem[] = [];
  private deleteScheduled = false;
  private deleteTimer: NodeJS.Timeout | undefined;
  private readonly retained = new Map<string, string>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly window: number;
  private wasDown = false;

  /** How many retained topics are kept for the next reconnect (tests, health). */
  get retainedCount(): number {
    return this.retained.size;
  }

  constructor(private readonly o: UpstreamOptions) {
    this.window = o.window ?? 256;
    o.metrics.counter("solkit_upstream_published_total", "Readings the upstream broker acknowledged (PUBACK).");
    o.metrics.counter("solkit_upstream_disconnects_total", "Times the upstream connection was lost.");
    o.metrics.gauge("solkit_upstream_connected", "1 while connected to the upstream broker.", () => (this.isConnected ? 1 : 0));
  }

  get connected(): boolean {
    return this.isConnected;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Sends what the spool holds, if connected (called after each commit). */
  kick(): void {
    this.pump();
  }

  /** Topics whose latest retained message is kept for a reconnect; past it the oldest go (issue 11: unbounded before). */
  static readonly MAX_RETAINED = 10_000;

  /**
   * A retained QoS 1 message; the latest per topic is sent again after every reconnect. An
   * empty payload clears a retained topic upstream and is not kept.
   */
  publishRetained(topic: string, payload: string): void {
    this.retained.delete(topic); // re-inserted last: the map's order is the age of each topic
    if (payload !== "") this.retained.set(topic, payload);
    while (this.retained.size > Upstream.MAX_RETAINED) this.retained.delete(this.retained.keys().next().value as string);
    if (this.isConnected) this.client!.publish(topic, payload, { qos: 1, retain: true }, () => {});
  }

  /** Announces "offline" on the status topic and disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const c = this.client;
    this.client = undefined;
    this.generation++;
    if (!c) return;
    if (this.isConnected) {
      await new Promise<void>((res) => c.publish(this.o.statusTopic, STATUS_OFFLINE, { qos: 1, retain: true }, () => res()));
    }
    this.isConnected = false;
    this.flushDeletes();
    await new Promise<void>((res) => c.end(false, {}, () => res()));
  }

  private connect(): void {
    const gen = ++this.generation;
    let client: MqttClient;
    try {
      client = connectBroker(this.o.broker, {
        clientId: this.o.clientId,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        will: { topic: this.o.statusTopic, payload: Buffer.from(STATUS_OFFLINE), qos: 1, retain: true },
      });
    } catch (e) {
      this.o.logger.log("error", "upstream", (e as Error).message);
      return;
    }
    this.client = client;
    client.on("connect", () => {
      if (gen !== this.generation) return;
      this.isConnected = true;
      // Acked rows leave the spool before the cursor restarts, so none of them is resent.
      this.flushDeletes();
      this.cursor = 0;
      this.inflight.clear();
      this.o.logger.log("info", "upstream", `connected to ${safeUrl(this.o.broker.url)}; ${this.o.spool.depth} spooled message(s) to send`);
      this.wasDown = false;
      client.publish(this.o.statusTopic, STATUS_ONLINE, { qos: 1, retain: true }, () => {});
      for (const [t, p] of this.retained) client.publish(t, p, { qos: 1, retain: true }, () => {});
      this.pump();
    });
    const lost = (why: string) => {
      if (gen !== this.generation) return;
      this.generation++;
      if (this.isConnected) this.o.metrics.inc("solkit_upstream_disconnects_total");
      if (this.isConnected || !this.wasDown) {
        this.o.logger.log("warn", "upstream", `${safeUrl(this.o.broker.url)} unreachable (${why}); spooling readings, retrying every ${this.o.reconnectMs ?? 1000} ms`);
      }
      this.wasDown = true;
      this.isConnected = false;
      this.inflight.clear();
      client.end(true);
      if (!this.stopped) this.reconnectTimer = setTimeout(() => this.connect(), this.o.reconnectMs ?? 1000);
    };
    client.on("error", (e) => lost(e.message));
    client.on("close", () => lost("connection closed"));
    client.on("offline", () => lost("offline"));
  }

  private pump(): void {
    const client = this.client;
    if (!this.isConnected || !client) return;
    const gen = this.generation;
    const room = this.window - this.inflight.size;
    if (room <= 0) return;
    for (const item of this.o.spool.next(this.cursor, room)) {
      this.cursor = item.id;
      this.inflight.add(item.id);
      client.publish(item.topic, item.payload, { qos: 1 }, (err) => {
        if (gen !== this.generation) return; // that connection is gone; the row is still spooled
        this.inflight.delete(item.id);
        if (err) return;
        this.o.metrics.observeLatency(Date.now() - item.receivedAt);
        this.o.metrics.inc("solkit_upstream_published_total");
        this.acked.push(item);
        this.scheduleDeletes();
        if (this.inflight.size < this.window / 2) this.pump();
      });
    }
  }

  /**
   * Deletes are batched for up to 100 ms: each commit is an fsync, and a delivered row left a
   * moment longer costs at most a duplicate after a crash, never a loss.
   */
  private scheduleDeletes(): void {
    if (this.acked.length >= 4096) this.flushDeletes();
    if (this.deleteScheduled) return;
    this.deleteScheduled = true;
    this.deleteTimer = setTimeout(() => this.flushDeletes(), 100);
  }

  /** Deletes acknowledged rows in one transaction (one fsync for many PUBACKs). */
  private flushDeletes(): void {
    this.deleteScheduled = false;
    clearTimeout(this.deleteTimer);
    const items = this.acked;
    if (items.length === 0) return;
    this.acked = [];
    try {
      this.o.spool.doneMany(items);
    } catch (e) {
      this.o.logger.log("error", "spool", `could not delete ${items.length} delivered message(s): ${(e as Error).message}`);
    }
  }
}
