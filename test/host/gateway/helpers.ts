/**
 * Test helpers for the gateway: a real Mosquitto on a free loopback port (stopped by its
 * process id), socat pseudo-terminal pairs, a signing test device, an MQTT subscriber that
 * collects messages, and a wait-for-condition with a generous timeout (no timing asserts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createPrivateKey, randomBytes, sign } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { encodePublicKey } from "../../../shared/crypto/strkey";
import { publicKeyFromSeed } from "../../../shared/crypto/ed25519";
import { decodeAck } from "../../../shared/protocol/ack";
import { encodeFrame } from "../../../shared/protocol/frame";
import { encodeReading, readingHash, readingSigningInput, TIME_FROM_HOST } from "../../../shared/protocol/reading";
import { defaultConfig } from "../../../host/gateway/config";
import { startGateway, type Gateway } from "../../../host/gateway/gateway";
import { MemoryLogger } from "../../../host/gateway/log";
import { makeBrokerCertificates } from "../../../host/gateway/tls-cert";
import type { VerifiedBatch } from "../../../host/gateway/pipeline";

export function tempDir(prefix = "solkit-gw-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Polls `cond` until true; throws with `what` after `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function exited(p: ChildProcess): Promise<void> {
  return new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once("exit", () => r())));
}

async function connectable(port: number, ms = 10_000, tls = false): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      // Over TLS the handshake is enough to know it listens: its certificate is not checked here.
      const c = mqtt.connect(`${tls ? "mqtts" : "mqtt"}://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 1000, rejectUnauthorized: !tls });
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        c.end(true, {}, () => r(ok));
      };
      c.on("connect", () => finish(true));
      c.on("error", () => finish(false));
      c.on("close", () => finish(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`mosquitto on ${port} not accepting connections`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const MOSQUITTO = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].find((p) => existsSync(p)) ?? "mosquitto";

/** Debian's Mosquitto on a free loopback port; queue limits raised (DESIGN.md), no persistence. */
export class Mosquitto {
  private proc: ChildProcess | undefined;
  private readonly dir = tempDir("solkit-mosq-");
  readonly log: string[] = [];
  port = 0;

  /** A second listener speaking MQTT over TLS only (with `tls`), on this port. */
  tlsPort = 0;

  /**
   * persist: keep sessions and queued messages across a restart (saved at SIGTERM).
   * tls: a certificate and key (makeTlsCerts) for a second listener, over TLS only.
   */
  constructor(private readonly opts: { persist?: boolean; tls?: { cert: string; key: string } } = {}) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const tls = this.opts.tls;
    if (tls && !this.tlsPort) this.tlsPort = await freePort();
    const conf = join(this.dir, "mosquitto.conf");
    writeFileSync(conf, [
      "per_listener_settings false",
      `listener ${this.port} 127.0.0.1`,
      ...(tls ? [`listener ${this.tlsPort} 127.0.0.1`, `certfile ${tls.cert}`, `keyfile ${tls.key}`] : []),
      // As root it would drop to the mosquitto user, who cannot read the test's key (0600 in a 0700 dir).
      ...(tls && process.getuid?.() === 0 ? ["user root"] : []),
      "allow_anonymous true",
      // Debian's default of 1000 queued messages per client dropped ~1 % of QoS 1 messages
      // when a fast publisher outran a subscriber (DESIGN.md).
      "max_queued_messages 1000000",
      "max_inflight_messages 0",
      "set_tcp_nodelay true",
      ...(this.opts.persist ? ["persistence true", `persistence_location ${this.dir}/`] : ["persistence false"]),
      "log_dest stderr",
      "log_type error",
      "log_type warning",
      "",
    ].join("\n"));
    const p = spawn(MOSQUITTO, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    p.stderr!.on("data", (d) => this.log.push(String(d)));
    this.proc = p;
    await connectable(this.port);
    if (tls) await connectable(this.tlsPort, 10_000, true);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    process.kill(p.pid!, "SIGTERM");
    await exited(p);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A socat pseudo-terminal pair: the gateway opens `gw`, the test plays the device on `dev`. */
export class PtyPair {
  private proc: ChildProcess | undefined;
  readonly gw: string;
  readonly dev: string;

  constructor(dir: string, name = "tty") {
    this.gw = join(dir, `${name}-gw`);
    this.dev = join(dir, `${name}-dev`);
  }

  async start(): Promise<void> {
    const p = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${this.gw}`, `pty,raw,echo=0,link=${this.dev}`], { stdio: ["ignore", "ignore", "pipe"] });
    this.proc = p;
    p.stderr!.on("data", () => {});
    await waitFor(() => existsSync(this.gw) && existsSync(this.dev), "socat's pseudo-terminals");
  }

  /** Kills socat (a pulled cable: both ends vanish). */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    process.kill(p.pid!, "SIGTERM");
    await exited(p);
  }
}

const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");

/** A device that makes hash-chained readings and signs them with node:crypto (fast). */
export class TestDevice {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly id: string;
  readonly hmacKey = new Uint8Array(randomBytes(32));
  private readonly key;
  seq = 0;
  prev: Uint8Array = new Uint8Array(32);
  energy = 0;

  constructor(seed: Uint8Array = new Uint8Array(randomBytes(32))) {
    this.seed = seed;
    this.publicKey = publicKeyFromSeed(seed);
    this.id = encodePublicKey(this.publicKey);
    this.key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, Buffer.from(seed)]), format: "der", type: "pkcs8" });
  }

  /** The next reading's frame (reading bytes + signature unless `sign` is false). */
  next(opts: { sign?: boolean; dropped?: number; seq?: number; outbox?: number; flags?: number } = {}): Uint8Array {
    const dropped = opts.dropped ?? 0;
    const seq = opts.seq ?? this.seq + dropped;
    this.energy += 1000;
    const bytes = encodeReading({
      flags: opts.flags ?? 0, timeQuality: TIME_FROM_HOST, relay: 1, outbox: opts.outbox ?? 0, deviceId: this.publicKey, seq, dropped, time: 1767225600 + seq * 60,
      uptime: seq * 60, boot: 1, interval: 60, energyIn: this.energy, energyOut: 0, power: 60_000, credit: 86400, prev: this.prev,
    });
    this.seq = seq + 1;
    this.prev = readingHash(bytes);
    return opts.sign === false ? encodeFrame(bytes) : encodeFrame(bytes, this.sign(bytes));
  }

  sign(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, readingSigningInput(bytes), this.key));
  }
}

/** An MQTT client that records every message on its subscriptions. */
export class Collector {
  readonly messages: { topic: string; payload: string; retain: boolean }[] = [];
  readonly client: MqttClient;

  private constructor(client: MqttClient) {
    this.client = client;
    client.on("message", (topic, payload, packet) => this.messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
  }

  /** persistentId: a session the broker keeps (clean: false), so nothing is missed while away. */
  static async connect(url: string, filters: string[], persistentId?: string): Promise<Collector> {
    const session = persistentId ? { clientId: persistentId, clean: false } : {};
    const client = mqtt.connect(url, { reconnectPeriod: 200, connectTimeout: 5000, ...session });
    const c = new Collector(client);
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => client.subscribe(filters, { qos: 1 }, (e) => (e ? reject(e) : resolve())));
      client.once("error", reject);
    });
    return c;
  }

  on(leaf: string): { topic: string; payload: string; retain: boolean }[] {
    return this.messages.filter((m) => m.topic.endsWith(`/${leaf}`));
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this.client.end(true, {}, () => r()));
  }
}

/**
 * A gateway for devices on a network: its embedded broker on a free port (devices log in as
 * themselves, PROTOCOL.md 6.3), no serial ports, no health server; every verified batch in `batches`.
 */
/** A CA and a broker certificate it signed for 127.0.0.1 and localhost, as `solkit host tls` makes them. */
export function makeTlsCerts(dir: string, name = "solkit-test-ca"): { ca: string; cert: string; key: string } {
  const made = makeBrokerCertificates({ hosts: ["127.0.0.1", "localhost"], dir, caName: name, days: 30 });
  return { ca: made.ca, cert: made.cert, key: made.key };
}

export async function networkGateway(dir: string, site: string, tls?: { cert: string; key: string }): Promise<{ gw: Gateway; batches: VerifiedBatch[] }> {
  const cfg = defaultConfig(dir);
  const gw = await startGateway({
    ...cfg, site, devices: { embedded: { host: "127.0.0.1", port: 0, tls } },
    serial: { discover: false, ports: [], retryMs: 100 }, health: { ...cfg.health, enabled: false },
  }, { logger: new MemoryLogger() });
  const batches: VerifiedBatch[] = [];
  gw.events.on("verified", (v: VerifiedBatch) => batches.push(v));
  return { gw, batches };
}

/**
 * A gateway whose pipeline the test drives: no links, an unreachable upstream, one registered
 * TestDevice, and a link that records the seq of every ack sent back on it.
 */
export async function pipelineRig(dir: string, o: { verifyThread: boolean; logger?: MemoryLogger }): Promise<{
  gw: Gateway; dev: TestDevice; acks: number[]; link: { name: string; relay: boolean; sendAck(d: unknown, ack: Uint8Array): void };
}> {
  const gw = await startGateway({ ...defaultConfig(dir), site: "t", devices: { none: true }, upstream: { url: "mqtt://127.0.0.1:1", rejectUnauthorized: true },
    serial: { discover: false, ports: [], retryMs: 100 }, health: { enabled: false, host: "127.0.0.1", port: 0 }, verifyThread: o.verifyThread }, { logger: o.logger ?? new MemoryLogger() });
  const dev = new TestDevice();
  gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey });
  const acks: number[] = [];
  return { gw, dev, acks, link: { name: "test", relay: true, sendAck: (_d, ack) => acks.push(decodeAck(ack).seq) } };
}
