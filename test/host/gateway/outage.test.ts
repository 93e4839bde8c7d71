/**
 * Upstream outages against real Mosquitto: readings taken while the broker is down are
 * spooled in SQLite and published in order when it returns, across a broker restart and a
 * gateway restart, with nothing lost and nothing duplicated (counted and compared).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { decodeFrame } from "../../../shared/protocol/frame";
import { parseReadingPayload } from "../../../host/protocol/mqtt-payload";
import { defaultConfig, type GatewayConfig } from "../../../host/gateway/config";
import { startGateway, type Gateway } from "../../../host/gateway/gateway";
import { MemoryLogger } from "../../../host/gateway/log";
import type { LinkContext } from "../../../host/gateway/pipeline";
import { Collector, Mosquitto, TestDevice, tempDir, waitFor } from "./helpers";

const link: LinkContext = { name: "test", relay: true, sendAck: () => {} };

describe("upstream outage and recovery (Mosquitto)", () => {
  const mosq = new Mosquitto({ persist: true });
  let dir: string;
  beforeAll(async () => {
    await mosq.start();
    dir = tempDir();
  });
  afterAll(async () => {
    await mosq.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  function config(): GatewayConfig {
    return { ...defaultConfig(dir), site: "outage", devices: { none: true }, upstream: { url: mosq.url, rejectUnauthorized: true },
      serial: { discover: false, ports: [], retryMs: 100 }, health: { enabled: false, host: "127.0.0.1", port: 0 } };
  }

  it("spools during a broker restart and a gateway restart, then delivers every reading once, in order", async () => {
    const dev = new TestDevice();
    // A persistent session: the broker keeps the subscription and queues for it across restarts.
    const sub = await Collector.connect(mosq.url, ["solkit/v1/outage/+/reading"], "outage-consumer");
    const log = new MemoryLogger();
    let gw: Gateway = await startGateway(config(), { logger: log });
    gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey });
    const feed = (n: number) => {
      for (let i = 0; i < n; i++) gw.pipeline.submit(decodeFrame(dev.next({ sign: i % 3 === 2 || i === n - 1 })), link);
    };
    await waitFor(() => gw.upstream.connected, "upstream connected");
    feed(50);
    await waitFor(() => sub.messages.length === 50 && gw.spool.depth === 0, "first 50 delivered");

    // 1. Broker down: readings are stored, acked and spooled.
    await mosq.stop();
    await log.waitFor("upstream", "unreachable");
    feed(100);
    await waitFor(() => gw.registry.get(dev.id)!.lastSeq === 149, "150 readings stored");
    expect(gw.spool.depth).toBe(100);
    await mosq.start();
    await waitFor(() => gw.spool.depth === 0, "spool drained after the broker came back", 30_000);

    // 2. Broker down again, and the gateway restarts while readings are spooled.
    await mosq.stop();
    await log.waitFor("upstream", "unreachable");
    feed(100);
    await waitFor(() => gw.spool.depth === 100, "100 spooled");
    await gw.stop();
    const log2 = new MemoryLogger();
    gw = await startGateway(config(), { logger: log2 });
    expect(gw.spool.depth).toBe(100);
    expect(gw.registry.get(dev.id)!.lastSeq).toBe(249);
    await mosq.start();
    await waitFor(() => gw.spool.depth === 0, "spool drained after the gateway restart", 30_000);
    await waitFor(() => sub.messages.length >= 250, "250 readings at the subscriber", 30_000);
    await new Promise((r) => setTimeout(r, 300));

    const seqs = sub.messages.map((m) => parseReadingPayload(m.payload).fields.seq);
    // Nothing lost, nothing twice, and in order.
    expect(seqs.length).toBe(250);
    expect(seqs).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(gw.metrics.total("solkit_upstream_published_total")).toBe(100);
    expect(log2.find("upstream", "100 spooled").length).toBe(1);
    await gw.stop();
    await sub.close();
  });
});

describe("upstream outage and recovery (aedes)", () => {
  it("spools while aedes is down and delivers every reading once, in order, when it returns", async () => {
    const { startEmbeddedBroker } = await import("../../../host/gateway/broker-embedded");
    const { freePort } = await import("./helpers");
    const dir = tempDir();
    const port = await freePort();
    const seen: number[] = [];
    // Each broker instance records what reaches it from clients, before anyone connects.
    const startBroker = async () => {
      // The gateway logs in as the gateway: the same password on both instances.
      const b = await startEmbeddedBroker("127.0.0.1", port, undefined, "test-gateway-password");
      b.aedes.on("publish", (packet, client) => {
        if (client && packet.topic.endsWith("/reading")) seen.push(parseReadingPayload(packet.payload.toString()).fields.seq);
      });
      return b;
    };
    let broker = await startBroker();
    const log = new MemoryLogger();
    const gw = await startGateway({ ...defaultConfig(dir), site: "outage", devices: { none: true },
      upstream: { url: broker.url, username: broker.gateway.username, password: broker.gateway.password, rejectUnauthorized: true },
      serial: { discover: false, ports: [], retryMs: 100 }, health: { enabled: false, host: "127.0.0.1", port: 0 } }, { logger: log });
    try {
      const dev = new TestDevice();
      gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey });
      const feed = (n: number) => {
        for (let i = 0; i < n; i++) gw.pipeline.submit(decodeFrame(dev.next()), link);
      };
      await waitFor(() => gw.upstream.connected, "connected");
      feed(20);
      await waitFor(() => gw.spool.depth === 0, "first 20 delivered");
      await broker.close();
      await log.waitFor("upstream", "unreachable");
      feed(80);
      await waitFor(() => gw.registry.get(dev.id)!.lastSeq === 99, "stored while down");
      broker = await startBroker();
      await waitFor(() => gw.spool.depth === 0, "drained", 30_000);
      expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    } finally {
      await gw.stop();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
