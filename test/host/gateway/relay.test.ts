/**
 * The gateway end to end against real brokers: a Wi-Fi device publishes to the embedded
 * aedes, the gateway verifies, stores, acks on `cmd` and relays to a real Mosquitto
 * (retained state, last will, Home Assistant discovery), and the same relay when the
 * embedded broker is the only one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { verifyAck } from "../../../shared/protocol/ack";
import { buildTopic } from "../../../shared/protocol/topics";
import { encodeReadingPayload, parseCmdPayload, parseReadingPayload } from "../../../host/protocol/mqtt-payload";
import { defaultConfig, type GatewayConfig } from "../../../host/gateway/config";
import { startGateway, type Gateway } from "../../../host/gateway/gateway";
import { MemoryLogger } from "../../../host/gateway/log";
import { Collector, Mosquitto, TestDevice, tempDir, waitFor } from "./helpers";
import { mqttPassword } from "../../../shared/protocol/mqtt-auth";

const SITE = "test-site";

function config(dir: string, upstream?: string): GatewayConfig {
  const c = defaultConfig(dir);
  return {
    ...c,
    site: SITE,
    devices: { embedded: { host: "127.0.0.1", port: 0 } },
    upstream: upstream ? { url: upstream, rejectUnauthorized: true } : undefined,
    serial: { discover: false, ports: [], retryMs: 100 },
    homeAssistant: { enabled: true, prefix: "homeassistant" },
    health: { enabled: true, host: "127.0.0.1", port: 0 },
  };
}

async function publishAs(url: string, dev: TestDevice, frames: Uint8Array[]): Promise<mqtt.MqttClient> {
  // Logged in as the device (PROTOCOL.md 6.3): the embedded broker keeps it to its own topics.
  const c = mqtt.connect(url, { username: dev.id, password: mqttPassword(dev.hmacKey), will: { topic: buildTopic(SITE, dev.id, "status"), payload: Buffer.from("offline"), qos: 1, retain: true } });
  await new Promise<void>((r) => c.once("connect", () => r()));
  await c.subscribeAsync(buildTopic(SITE, dev.id, "cmd"), { qos: 1 });
  await c.publishAsync(buildTopic(SITE, dev.id, "status"), "online", { qos: 1, retain: true });
  for (const f of frames) await c.publishAsync(buildTopic(SITE, dev.id, "reading"), encodeReadingPayload(f), { qos: 1 });
  return c;
}

describe("gateway relay to Mosquitto", () => {
  const mosq = new Mosquitto();
  let dir: string;
  let gw: Gateway | undefined;
  let log: MemoryLogger;

  beforeAll(async () => {
    await mosq.start();
  });
  afterAll(async () => {
    await mosq.dispose();
  });
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("verifies, stores, acks on cmd, relays once, retains state and status, announces to Home Assistant", async () => {
    dir = tempDir();
    log = new MemoryLogger();
    gw = await startGateway(config(dir, mosq.url), { logger: log, stateEveryMs: 50 });
    const up = await Collector.connect(mosq.url, [`solkit/v1/${SITE}/+/+`, "homeassistant/#"]);
    const dev = new TestDevice();
    gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey, board: "esp32", name: "rig" });
    const frames = [dev.next({ sign: false }), dev.next({ sign: false }), dev.next({ outbox: 2 })];
    const devClient = await publishAs(gw.brokerUrl!, dev, frames);
    const acks: number[] = [];
    devClient.on("message", (topic, payload, packet) => {
      expect(packet.retain).toBe(false);
      const f = parseCmdPayload(payload.toString());
      const v = verifyAck(f.message, dev.hmacKey, dev.publicKey, 1000);
      expect(v.reason).toBe("");
      acks.push(v.ack!.seq);
    });
    await waitFor(() => up.on("reading").length === 3, "3 readings upstream");
    await waitFor(() => acks.includes(2), "an ack for seq 2");
    const seqs = up.on("reading").map((m) => parseReadingPayload(m.payload).fields.seq);
    expect(seqs).toEqual([0, 1, 2]);
    expect(up.on("reading")[2].payload).toBe(encodeReadingPayload(frames[2]));
    await waitFor(() => up.on("state").length > 0 && up.messages.some((m) => m.topic === gw!.statusTopic && m.payload === "online"), "state and status");
    expect(JSON.parse(up.on("state").at(-1)!.payload)).toMatchObject({ device: dev.id, seq: 2, energyIn: 3000 });
    // The device's own status (its last will) is passed upstream, retained.
    await waitFor(() => up.messages.some((m) => m.topic === buildTopic(SITE, dev.id, "status") && m.payload === "online"), "device status upstream");
    const ha = up.messages.filter((m) => m.topic.startsWith("homeassistant/"));
    await waitFor(() => up.messages.filter((m) => m.topic.startsWith("homeassistant/")).length === 4, "4 discovery configs");
    const energy = JSON.parse(up.messages.find((m) => m.topic.endsWith("/energy/config"))!.payload);
    expect(energy).toMatchObject({ device_class: "energy", state_class: "total_increasing", unit_of_measurement: "Wh", availability_mode: "all" });
    void ha;
    const info = gw.registry.list()[0];
    expect(info).toMatchObject({ id: dev.id, lastSeq: 2, verified: 3, rejected: 0, pending: 0, outbox: 2 }); // outbox: as the device reported
    // The same readings again (lost ack): acked again, not stored or relayed twice.
    for (const f of frames) await devClient.publishAsync(buildTopic(SITE, dev.id, "reading"), encodeReadingPayload(f), { qos: 1 });
    await waitFor(() => gw!.metrics.total("solkit_duplicates_total") === 3, "3 duplicates");
    await waitFor(() => gw!.spool.depth === 0, "empty spool");
    expect(up.on("reading").length).toBe(3);
    // A new subscriber sees retained state/status but nothing retained on cmd.
    const late = await Collector.connect(mosq.url, [`solkit/v1/${SITE}/+/+`]);
    const lateLocal = await Collector.connect(gw.brokerUrl!, [`solkit/v1/${SITE}/+/cmd`]);
    await waitFor(() => late.on("state").length > 0, "retained state for a late subscriber");
    await new Promise((r) => setTimeout(r, 300));
    expect(late.on("cmd")).toEqual([]);
    expect(lateLocal.messages).toEqual([]);
    // Health and metrics.
    const h = await (await fetch(`${gw.healthUrl}/healthz`)).json();
    expect(h).toMatchObject({ status: "ok", upstream: { connected: true }, spool: { depth: 0 } });
    const m = await (await fetch(`${gw.healthUrl}/metrics`)).text();
    expect(m).toMatch(/solkit_readings_verified_total 3/);
    expect(m).toMatch(/solkit_upstream_latency_seconds_count 3/);
    devClient.end(true);
    await Promise.all([up.close(), late.close(), lateLocal.close()]);
  });

  it("publishes the gateway's last will when it dies", async () => {
    dir = tempDir();
    log = new MemoryLogger();
    const watcher = await Collector.connect(mosq.url, [`solkit/v1/${SITE}/+/status`]);
    const g = await startGateway(config(dir, mosq.url), { logger: log });
    await waitFor(() => watcher.messages.some((m) => m.topic === g.statusTopic && m.payload === "online"), "online");
    // Kill the upstream socket without DISCONNECT, as a crash would: the broker sends the will.
    (g.upstream as unknown as { client: mqtt.MqttClient }).client.stream.destroy();
    await waitFor(() => watcher.messages.some((m) => m.topic === g.statusTopic && m.payload === "offline"), "offline will");
    await g.stop();
    await watcher.close();
  });
});

describe("gateway with only the embedded broker (no config)", () => {
  it("relays serial-less Wi-Fi readings without echo loops and stores them in the SQLite file", async () => {
    const dir = tempDir();
    const log = new MemoryLogger();
    const gw = await startGateway(config(dir), { logger: log, stateEveryMs: 50 });
    try {
      const dev = new TestDevice();
      gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey });
      const watch = await Collector.connect(gw.brokerUrl!, [`solkit/v1/${SITE}/+/+`]);
      const c = await publishAs(gw.brokerUrl!, dev, [dev.next(), dev.next()]);
      await waitFor(() => watch.on("cmd").length >= 2 || gw.registry.list()[0].lastSeq === 1, "readings accepted");
      await waitFor(() => watch.on("state").length > 0, "state");
      await new Promise((r) => setTimeout(r, 300));
      // Readings appear once (the device's own publication); the gateway does not republish them.
      expect(watch.on("reading").length).toBe(2);
      expect(gw.metrics.total("solkit_duplicates_total")).toBe(0);
      expect(gw.spool.depth).toBe(0);
      expect(gw.db.prepare("SELECT COUNT(*) AS n FROM readings").get()).toEqual({ n: 2 });
      expect(join(dir, ".solkit", "gateway.db")).toBe(defaultConfig(dir).database);
      c.end(true);
      await watch.close();
    } finally {
      await gw.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
