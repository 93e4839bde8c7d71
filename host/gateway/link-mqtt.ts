/**
 * Devices on their own Wi-Fi: they publish reading payloads (PROTOCOL.md 6.2) to
 * `solkit/v1/<site>/<G…>/reading` on the gateway's local broker and take acks from their
 * `cmd` topic (QoS 1, never retained: a retained ack would be replayed to the device at
 * every reconnect). Their `status` (their own last will) is passed upstream when upstream is
 * another broker.
 */
import type { MqttClient } from "mqtt";
import { errorCode, KIND_READING } from "../../shared/protocol/common";
import { buildTopic, parseTopic, topicFilter } from "../../shared/protocol/topics";
import { encodeCmdPayload, parseReadingPayload } from "../protocol/mqtt-payload";
import type { BrokerConfig } from "./config";
import type { Logger } from "./log";
import { connectBroker, safeUrl } from "./mqtt-connect";
import type { LinkContext, Pipeline } from "./pipeline";

export interface MqttLinkOptions {
  broker: BrokerConfig;
  clientId: string;
  site: string;
  pipeline: Pipeline;
  logger: Logger;
  /** False when the local broker is the upstream one: readings are there already. */
  relay: boolean;
  /** Called with a device's retained status, to pass upstream. */
  onStatus?(topic: string, payload: string): void;
}

export class MqttLink {
  private client: MqttClient | undefined;
  private readonly ctx: LinkContext;
  private wasDown = false;

  constructor(private readonly o: MqttLinkOptions) {
    this.ctx = {
      name: "mqtt",
      relay: o.relay,
      sendAck: (device, ack) => {
        if (!this.client?.connected) throw new Error("local broker not connected");
        this.client.publish(buildTopic(o.site, device.id, "cmd"), encodeCmdPayload(ack), { qos: 1, retain: false });
      },
    };
  }

  /** Connects and resolves once subscribed (or rejects after `ms`). */
  start(ms = 10_000): Promise<void> {
    const client = connectBroker(this.o.broker, { clientId: this.o.clientId, clean: true, reconnectPeriod: 1000, connectTimeout: 5000 });
    this.client = client;
    const filters = [topicFilter(this.o.site, "+", "reading")];
    if (this.o.onStatus) filters.push(topicFilter(this.o.site, "+", "status"));
    client.on("message", (topic, payload) => this.message(topic, payload));
    client.on("error", (e) => this.down(e.message));
    client.on("offline", () => this.down("offline"));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`local broker ${safeUrl(this.o.broker.url)} not reachable within ${ms} ms`)), ms);
      client.on("connect", () => {
        if (this.wasDown) this.o.logger.log("info", "mqtt", `local broker ${safeUrl(this.o.broker.url)} back`);
        this.wasDown = false;
        client.subscribe(filters, { qos: 1 }, (err) => {
          clearTimeout(t);
          if (err) reject(err);
          else resolve();
        });
      });
    });
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await new Promise<void>((res) => c.end(false, {}, () => res()));
  }

  private down(why: string): void {
    if (!this.wasDown) this.o.logger.log("warn", "mqtt", `local broker ${safeUrl(this.o.broker.url)}: ${why}; retrying`);
    this.wasDown = true;
  }

  private message(topic: string, buf: Buffer): void {
    let t;
    try {
      t = parseTopic(topic);
    } catch (e) {
      this.o.pipeline.reject(this.ctx, errorCode(e), `${(e as Error).message}`);
      return;
    }
    if (t.leaf === "status") {
      this.o.onStatus?.(topic, buf.toString("utf8"));
      return;
    }
    let p;
    try {
      p = parseReadingPayload(buf.toString("utf8"));
    } catch (e) {
      this.o.pipeline.reject(this.ctx, errorCode(e), `payload on ${topic}: ${(e as Error).message}`, t.device);
      return;
    }
    if (this.o.pipeline.isEcho(p.device, p.fields.seq)) return; // our own upstream publication
    if (p.device !== t.device) {
      this.o.pipeline.reject(this.ctx, "E_WRONG_DEVICE", `topic names ${t.device} but the reading bytes are from ${p.device}`, t.device);
      return;
    }
    this.o.pipeline.submit({ kind: KIND_READING, message: p.reading, signature: p.signature }, this.ctx);
  }
}
