/**
 * Every rejection path of the pipeline: each is counted by reason, logged with why, moves
 * nothing, and never stops the next good frame. Frames go in through a test link whose acks
 * are recorded; upstream is unreachable, so accepted readings stay in the spool.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import mqtt from "mqtt";
import { encodeAck } from "../../../shared/protocol/ack";
import { decodeAck } from "../../../shared/protocol/ack";
import { decodeFrame, encodeFrame } from "../../../shared/protocol/frame";
import { buildTopic } from "../../../shared/protocol/topics";
import { encodeReadingPayload } from "../../../host/protocol/mqtt-payload";
import { defaultConfig, type GatewayConfig } from "../../../host/gateway/config";
import { startGateway, type Gateway } from "../../../host/gateway/gateway";
import { MemoryLogger } from "../../../host/gateway/log";
import { MAX_PENDING, type LinkContext } from "../../../host/gateway/pipeline";
import { FLAG_FIRST_AFTER_BOOT } from "../../../shared/protocol/reading";
import { TestDevice, tempDir, waitFor } from "./helpers";
import { mqttPassword } from "../../../shared/protocol/mqtt-auth";

describe("pipeline rejections", () => {
  let dir: string;
  let gw: Gateway;
  let log: MemoryLogger;
  let acks: number[];
  let link: LinkContext;
  let dev: TestDevice;

  async function start(patch: Partial<GatewayConfig> = {}) {
    dir = tempDir();
    log = new MemoryLogger();
    const cfg: GatewayConfig = { ...defaultConfig(dir), site: "t", devices: { embedded: { host: "127.0.0.1", port: 0 } },
      upstream: { url: "mqtt://127.0.0.1:1", rejectUnauthorized: true }, serial: { discover: false, ports: [], retryMs: 100 },
      health: { enabled: false, host: "127.0.0.1", port: 0 }, ...patch };
    gw = await startGateway(cfg, { logger: log });
    dev = new TestDevice();
    gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey });
    acks = [];
    link = { name: "test", relay: true, sendAck: (_d, ack) => acks.push(decodeAck(ack).seq) };
  }
  const send = (f: Uint8Array) => gw.pipeline.submit(decodeFrame(f), link);
  /** The queued frames handled: the next turn of the loop, and the verify thread's batch committed. */
  const settle = async () => {
    await new Promise((r) => setImmediate(r));
    await gw.pipeline.drain();
  };
  const rejected = (reason: string) => gw.metrics.get("solkit_rejected_total", { reason });

  beforeEach(async () => start());
  afterEach(async () => {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("unknown device", async () => {
    const stranger = new TestDevice();
    send(stranger.next());
    await settle();
    expect(rejected("E_UNKNOWN_DEVICE")).toBe(1);
    expect(log.find("reject", `device=${stranger.id} link=test reason=E_UNKNOWN_DEVICE`)[0].text).toMatch(/add-device/);
    expect(acks).toEqual([]);
  });

  it("duplicate is acked again; replay with other bytes is rejected; good frames still pass", async () => {
    const f0 = dev.next();
    send(f0);
    await settle();
    expect(acks).toEqual([0]);
    send(f0);
    await settle();
    expect(acks).toEqual([0, 0]);
    expect(gw.metrics.total("solkit_duplicates_total")).toBe(1);
    const other = new TestDevice(dev.seed);
    other.energy = 5; // same seq 0, different bytes, validly signed
    send(other.next());
    await settle();
    expect(rejected("E_REPLAY")).toBe(1);
    expect(log.find("reject", "reason=E_REPLAY")[0].text).toMatch(/bytes differ/);
    send(dev.next());
    await settle();
    expect(acks.at(-1)).toBe(1);
    expect(gw.registry.get(dev.id)).toMatchObject({ lastSeq: 1, verified: 2, rejected: 1 });
  });

  it("undeclared gap is rejected and reported; a declared drop is accepted and noted", async () => {
    send(dev.next());
    dev.next(); // seq 1 lost on the way
    send(dev.next()); // seq 2, prev = hash(1)
    await settle();
    expect(rejected("E_GAP")).toBe(1);
    expect(log.find("gap", "reason=E_GAP")[0].text).toMatch(/expected seq 1.*missing/);
    expect(gw.registry.get(dev.id)).toMatchObject({ lastSeq: 0, gaps: 1 });
    const d2 = new TestDevice();
    gw.registry.add({ id: d2.id, hmacKey: d2.hmacKey });
    send(d2.next());
    send(d2.next({ dropped: 3 })); // seq 4, the device says 1..3 were dropped
    await settle();
    expect(gw.registry.get(d2.id)).toMatchObject({ lastSeq: 4, dropped: 3 });
    expect(log.find("gap", "skipped 3 sequence number(s)")[0].text).toMatch(/before seq 4 \(its outbox was full\)/);
  });

  it("broken chain, bad signature, a non-reading uplink", async () => {
    send(dev.next());
    await settle();
    dev.prev = new Uint8Array(32).fill(7);
    send(dev.next());
    await settle();
    expect(rejected("E_CHAIN_BROKEN")).toBe(1);
    expect(log.find("reject", "reason=E_CHAIN_BROKEN")[0].text).toMatch(/is not the hash of reading 0/);
    const d = new TestDevice();
    gw.registry.add({ id: d.id, hmacKey: d.hmacKey });
    const f = d.next();
    f[130] ^= 1; // flip a signature bit
    send(f);
    await settle();
    expect(rejected("E_BAD_SIGNATURE")).toBe(1);
    expect(log.find("reject", "reason=E_BAD_SIGNATURE").length).toBe(1);
    send(encodeAck({ deviceId: d.publicKey, seq: 0, hostTime: 0 }, d.hmacKey));
    await settle();
    expect(rejected("E_KIND")).toBe(1);
    expect(log.find("reject", "reason=E_KIND")[0].text).toMatch(/host → device only/);
    expect(gw.registry.get(dev.id)!.lastSeq).toBe(0);
  });

  it("unsigned readings wait, a later signature proves them, and the pending list is bounded", async () => {
    for (let i = 0; i < MAX_PENDING; i++) send(dev.next({ sign: false }));
    await settle();
    expect(acks).toEqual([]);
    expect(gw.registry.get(dev.id)!.pending).toBe(MAX_PENDING);
    const keep = { seq: dev.seq, prev: dev.prev, energy: dev.energy };
    send(dev.next({ sign: false }));
    await settle();
    expect(rejected("E_PENDING_FULL")).toBe(1);
    expect(log.find("reject", "reason=E_PENDING_FULL").length).toBe(1);
    Object.assign(dev, keep);
    send(dev.next()); // signed: proves the 1000 waiting and itself
    await settle();
    expect(acks).toEqual([MAX_PENDING]);
    expect(gw.registry.get(dev.id)).toMatchObject({ lastSeq: MAX_PENDING, verified: MAX_PENDING + 1, pending: 0 });
  });

  it("skipped sequence numbers: 'outbox full' only when no reboot explains them (issue 11)", async () => {
    send(dev.next());
    send(dev.next({ dropped: 2 })); // a tail drop while running
    send(dev.next({ dropped: 3, flags: FLAG_FIRST_AFTER_BOOT })); // a reboot's unused reservation
    await settle();
    expect(acks).toEqual([7]); // one batch, one ack of the newest
    expect(log.find("gap", "skipped 2 sequence number(s) before seq 3 (its outbox was full)").length).toBe(1);
    expect(log.find("gap", "skipped 3 sequence number(s) before seq 7 (at a reboot: sequence numbers reserved and unused").length).toBe(1);
  });

  it("a signed copy of a pending reading proves the chain (stripped copies sent first cannot delay it)", async () => {
    const unsigned0 = dev.next({ sign: false });
    const bytes1 = dev.next({ sign: false }); // seq 1, unsigned: what an attacker strips
    const signed1 = encodeFrame(decodeFrame(bytes1).message, dev.sign(decodeFrame(bytes1).message));
    send(unsigned0);
    send(bytes1);
    await settle();
    expect(acks).toEqual([]);
    send(signed1); // the device's own copy of seq 1, with its signature
    await settle();
    expect(acks).toEqual([1]);
    expect(gw.registry.get(dev.id)).toMatchObject({ lastSeq: 1, verified: 2, pending: 0 });
    expect(rejected("E_REPLAY")).toBe(0);
  });

  it("a forged unsigned reading cannot wedge the device: the genuine one replaces it, the signature decides", async () => {
    const genuine = [dev.next({ sign: false }), dev.next({ sign: false })]; // seq 0, 1
    const at2 = { seq: dev.seq, prev: dev.prev, energy: dev.energy };
    const real2 = dev.next({ sign: false });
    const after2 = { seq: dev.seq, prev: dev.prev, energy: dev.energy };
    Object.assign(dev, at2, { energy: at2.energy + 5_000_000 });
    const forged2 = dev.next({ sign: false }); // same seq and prev, other energy: links, so it waits
    Object.assign(dev, after2);
    const signed3 = dev.next(); // links to the genuine seq 2
    for (const f of [...genuine, forged2]) send(f);
    await settle();
    send(signed3); // contradicts the forgery: refused, not acked
    await settle();
    expect(acks).toEqual([]);
    expect(rejected("E_CHAIN_BROKEN")).toBe(1);
    // The device re-sends its unacked readings: seq 0 and 1 are duplicates, 2 replaces the forgery.
    for (const f of [...genuine, real2, signed3]) send(f);
    await settle();
    expect(acks).toEqual([3]);
    expect(gw.metrics.total("solkit_pending_replaced_total")).toBe(1);
    expect(log.find("replace", `device=${dev.id} dropped 1 unsigned pending reading(s) from seq 2`).length).toBe(1);
    expect(gw.registry.get(dev.id)).toMatchObject({ lastSeq: 3, verified: 4, pending: 0 });
  });

  it("a full spool refuses readings (not acked) with an alarm line", async () => {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
    await start({ spool: { maxBytes: 4096, alarmRatio: 0.5 } });
    for (let i = 0; i < 12; i++) send(dev.next());
    await settle();
    expect(rejected("E_SPOOL_FULL")).toBeGreaterThan(0);
    const last = acks.at(-1)!;
    expect(gw.registry.get(dev.id)!.lastSeq).toBe(last);
    expect(log.find("reject", "reason=E_SPOOL_FULL")[0].text).toMatch(/the device keeps the readings/);
    await log.waitFor("spool", "FULL");
  });

  it("MQTT payloads: bad JSON, bad base64, topic/device mismatch; the broker refuses a bad topic and strangers", async () => {
    const c = mqtt.connect(gw.brokerUrl!, { username: dev.id, password: mqttPassword(dev.hmacKey) });
    await new Promise<void>((r) => c.once("connect", () => r()));
    const t = (leaf: string, d = dev.id) => buildTopic("t", d, leaf);
    await c.publishAsync(t("reading"), "not json", { qos: 1 });
    await c.publishAsync(t("reading"), JSON.stringify({ v: 1, reading: "!!!", sig: "" }), { qos: 1 });
    const other = new TestDevice();
    await c.publishAsync(t("reading"), encodeReadingPayload(encodeFrame(decodeFrame(other.next()).message)), { qos: 1 });
    await waitFor(() => log.find("reject").length === 3, "3 rejections");
    expect(rejected("E_PAYLOAD")).toBe(1);
    expect(rejected("E_BASE64")).toBe(1);
    expect(rejected("E_WRONG_DEVICE")).toBe(1);
    expect(log.find("reject", "reason=E_WRONG_DEVICE")[0].text).toMatch(/topic names/);
    // Still working afterwards.
    await c.publishAsync(t("reading"), encodeReadingPayload(dev.next()), { qos: 1 });
    await waitFor(() => gw.registry.get(dev.id)!.lastSeq === 0, "good reading after the bad ones");
    c.end(true);
    // What never reaches the gateway: the embedded broker refuses a publish under another
    // topic than the device's own (and drops the connection), and anyone not logged in as a device.
    for (const [who, topic] of [[{ username: dev.id, password: mqttPassword(dev.hmacKey) }, "solkit/v1/t/not-a-key/reading"], [{}, t("reading")]] as const) {
      const x = mqtt.connect(gw.brokerUrl!, { ...who, reconnectPeriod: 0 });
      await new Promise<void>((r) => x.once("connect", () => r()));
      const closed = new Promise<void>((r) => x.once("close", () => r()));
      x.publish(topic, encodeReadingPayload(dev.next()), { qos: 1 });
      await closed;
      x.end(true);
    }
    expect(log.find("reject").length).toBe(3);
    expect(log.find("broker").map((e) => e.text).join("\n")).toMatch(/refused a publish to "solkit\/v1\/t\/not-a-key\/reading".*another device's topic[\s\S]*not logged in as a device/);
  });
});
