/**
 * Wires the gateway together from a config: store, registry, spool, pipeline, the links
 * (serial ports, the local broker), upstream, Home Assistant discovery and health. Used by
 * `solkit host`, the tests and the benchmark alike.
 */
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import type { Verifier } from "../../shared/crypto/types";
import { encodePublicKey } from "../../shared/crypto/strkey";
import { publicKeyFromSeed } from "../../shared/crypto/ed25519";
import { buildTopic } from "../../shared/protocol/topics";
import { nodeVerifier } from "../crypto/node-verifier";
import { VerifyWorker } from "../crypto/verify-worker";
import { safeUrl } from "./mqtt-connect";
import { STATUS_OFFLINE, STATUS_ONLINE } from "../protocol/mqtt-payload";
import { startEmbeddedBroker, type EmbeddedBroker } from "./broker-embedded";
import { LocalDevice } from "./local-device";
import { SolkitError } from "../../shared/errors";
import { lockDatabase } from "./db-lock";
import { statusRefusal } from "./status-forward";
import type { BrokerConfig, GatewayConfig } from "./config";
import { discoveryMessages, type DeviceState } from "./ha-discovery";
import { startHealth, type HealthServer, type HealthStatus } from "./health";
import { MqttLink } from "./link-mqtt";
import { SerialLink } from "./link-serial";
import type { Logger } from "./log";
import { Metrics } from "./metrics";
import { Pipeline, type Accepted, type LinkContext } from "./pipeline";
import type { DeviceRecord } from "./registry";
import type { Notice, Teller } from "../teller/teller";
import { EventEmitter } from "node:events";
import { dashboard } from "../dashboard/dashboard";
import { Registry } from "./registry";
import { discoverPorts } from "./serial-discovery";
import { Spool, type SpoolLevel } from "./spool";
import { metaGet, metaSet, openStore, ReadingStore, type Db } from "./store-sqlite";
import { WalSync } from "./wal-sync";
import { Upstream } from "./upstream";
import { startTeller } from "../teller/host-teller";

export interface GatewayOptions {
  logger: Logger;
  verifier?: Verifier;
  /** Milliseconds between retained `state` updates of one device (latest wins). */
  stateEveryMs?: number;
  /** Milliseconds between serial port scans when discovery is on. */
  scanEveryMs?: number;
  /**
   * A virtual clock (ms) for the simulator: receipt times, acks' host time and the teller run
   * on it, and the teller is not polled on a timer (the simulator calls teller.poll()).
   */
  now?: () => number;
  /** The teller's keystore passphrase (default: SOLKIT_KEYSTORE_PASSPHRASE) and its notices. */
  keystorePassphrase?: string;
  onNotice?: (n: Notice) => void;
  /** Enables the dashboard's top-up and disconnect (issue 13); from SOLKIT_ADMIN_TOKEN in solkit host. */
  adminToken?: string;
  /** The built bundle of config.localDevice's board (the CLI builds it), and the child's environment. */
  localDevice?: { bundle: string; env?: NodeJS.ProcessEnv };
}

export interface Gateway {
  id: string;
  db: Db;
  registry: Registry;
  spool: Spool;
  metrics: Metrics;
  pipeline: Pipeline;
  upstream: Upstream;
  /** The teller, when the configuration has a "teller" section. */
  teller?: Teller;
  /** "verified" (VerifiedBatch), "notice" (Notice), "teller" (after each poll). */
  events: EventEmitter;
  /** One teller round now (the simulator's virtual clock; on the wall clock a timer does it). */
  pollTeller(): Promise<void>;
  /** URL of the local broker (embedded or configured), if any: where the gateway's own clients connect. */
  brokerUrl?: string;
  /** Where Wi-Fi devices connect: the embedded broker's TLS listener when it has one, else brokerUrl. */
  deviceBrokerUrl?: string;
  healthUrl?: string;
  serial: SerialLink[];
  /** The gateway's own retained status topic (its last will). */
  statusTopic: string;
  /** The device program this gateway runs on its own machine (config "localDevice"). */
  localDevice?: LocalDevice;
  stop(): Promise<void>;
}

/** The gateway's own key (made once, kept in the database): its G… id names its status topic. */
function gatewayId(db: Db): string {
  let seed = metaGet(db, "gateway_seed");
  if (!seed) {
    seed = randomBytes(32);
    metaSet(db, "gateway_seed", seed);
  }
  return encodePublicKey(publicKeyFromSeed(new Uint8Array(seed)));
}

/**
 * Starts every part the config asks for.
 * @throws SolkitError E_CONFIG, or Error when the database, broker or health port cannot be opened
 */
export async function startGateway(cfg: GatewayConfig, opts: GatewayOptions): Promise<Gateway> {
  const log = opts.logger;
  if (cfg.localDevice !== undefined && opts.localDevice === undefined) throw new SolkitError("E_CONFIG", "localDevice: no bundle given for the device program (solkit host builds it)");
  // Opened (folders made, 0600), then locked: a second gateway closes it again at once.
  const db = openStore(cfg.database);
  let unlock: () => void;
  try {
    unlock = lockDatabase(cfg.database);
  } catch (e) {
    db.close();
    throw e;
  }
  const registry = new Registry(db);
  const metrics = new Metrics();
  const spool = new Spool(db, cfg.spool.maxBytes, cfg.spool.alarmRatio);
  const id = gatewayId(db);
  const statusTopic = buildTopic(cfg.site, id, "status");
  const cleanups: (() => Promise<void>)[] = [];
  // What the dashboard listens to: "verified" batches, "notice"s, "teller" (its books changed).
  const events = new EventEmitter();
  events.setMaxListeners(50);
  let broker: EmbeddedBroker | undefined;
  let local: BrokerConfig | undefined;
  if ("embedded" in cfg.devices) {
    try {
      // Devices log in with their id and the password their host key gives (PROTOCOL.md 6.3).
      const tls = cfg.devices.embedded.tls;
      broker = await startEmbeddedBroker(cfg.devices.embedded.host, cfg.devices.embedded.port, log, undefined, (id) => registry.get(id)?.hmacKey,
        tls === undefined ? undefined : { cert: readFileSync(tls.cert), key: readFileSync(tls.key) });
    } catch (e) {
      db.close();
      unlock();
      throw e;
    }
    local = { url: broker.url, username: broker.gateway.username, password: broker.gateway.password, rejectUnauthorized: true };
    if (broker.deviceUrl === broker.url) log.log("info", "broker", `embedded MQTT broker listening on ${broker.url} (devices and dashboards connect here)`);
    else log.log("info", "broker", `embedded MQTT broker listening on ${broker.deviceUrl} for devices (TLS; provision them with --broker-ca) and on ${broker.url} for dashboards on this machine`);
    if (cfg.devices.embedded.insecureRemote) log.log("warn", "broker", `the embedded broker on ${broker.url} is reachable beyond this machine without TLS ("insecureRemote": true)`);
  } else if ("broker" in cfg.devices) local = cfg.devices.broker;
  const sameBroker = cfg.upstream === undefined;
  const upstreamBroker = cfg.upstream ?? local!;
  const upstream = new Upstream({ broker: upstreamBroker, clientId: upstreamBroker.clientId ?? `solkit-gw-${id.slice(0, 10)}`, statusTopic, spool, metrics, logger: log });

  let level: SpoolLevel = spool.level;
  const checkSpool = () => {
    const now = spool.level;
    if (now === level) return;
    if (now === "alarm") log.log("warn", "spool", `upstream spool at ${Math.round((100 * spool.bytes) / spool.maxBytes)}% of its ${spool.maxBytes}-byte limit (${spool.depth} messages): is upstream down?`);
    if (now === "full") log.log("error", "spool", `upstream spool FULL (${spool.bytes} bytes): new readings are refused and stay on the devices until upstream takes some`);
    if (now === "ok") log.log("info", "spool", `upstream spool back under the alarm level (${spool.depth} messages)`);
    level = now;
  };
  metrics.gauge("solkit_spool_depth", "Messages waiting for the upstream broker's PUBACK.", () => spool.depth);
  metrics.gauge("solkit_spool_bytes", "Bytes waiting in the upstream spool.", () => spool.bytes);
  metrics.gauge("solkit_spool_alarm", "1 when the spool is past its alarm level, 2 when full.", () => ({ ok: 0, alarm: 1, full: 2 })[spool.level]);

  const states = new Map<string, DeviceState>();
  const announced = new Set<string>();
  // The link each device was last heard on: where its acks go, and the teller's tokens.
  const links = new Map<string, { device: DeviceRecord; link: LinkContext }>();
  const teller = cfg.teller === undefined ? undefined : startTeller(cfg.teller, db, links, (topic, payload) => {
    spool.push(topic, payload, Date.now());
    upstream.kick();
  }, cfg.site, id, log, {
    now: opts.now, passphrase: opts.keystorePassphrase,
    onNotice: (n) => {
      opts.onNotice?.(n);
      events.emit("notice", n);
    },
    afterPoll: () => events.emit("teller"),
  });
  if (teller) cleanups.push(async () => teller.stop());
  const onAccepted = (a: Accepted) => {
    const r = a.reading;
    links.set(a.device.id, { device: a.device, link: a.link });
    teller?.teller.onReading(a.device.id, r);
    states.set(a.device.id, {
      device: a.device.id, seq: r.seq, time: r.time, timeQuality: r.timeQuality, energyIn: r.energyIn, energyOut: r.energyOut,
      power: r.power, relay: r.relay, credit: r.credit, flags: r.flags, boot: r.boot, verifiedAt: Math.floor((opts.now ?? Date.now)() / 1000),
    });
    if (cfg.homeAssistant.enabled && !announced.has(a.device.id)) {
      announced.add(a.device.id);
      for (const m of discoveryMessages(cfg.homeAssistant.prefix, cfg.site, a.device.id, statusTopic, a.device.name)) upstream.publishRetained(m.topic, m.payload);
    }
  };
  const flushStates = () => {
    for (const [dev, s] of states) upstream.publishRetained(buildTopic(cfg.site, dev, "state"), JSON.stringify(s));
    states.clear();
  };
  const stateTimer = setInterval(flushStates, opts.stateEveryMs ?? 1000);
  const spoolTimer = setInterval(checkSpool, 1000);

  const verifyWorker = (cfg.verifyThread ?? (availableParallelism() > 1 && !opts.now)) ? new VerifyWorker() : undefined;
  if (verifyWorker) cleanups.push(() => verifyWorker.close());
  // The disk wait of each commit off the event loop, except on virtual time (the simulator's
  // gateway answers within the step that sent the frame, as it does without a verify thread).
  const walSync = new WalSync(db, opts.now || cfg.database === ":memory:" ? undefined : `${cfg.database}-wal`);
  cleanups.push(async () => walSync.close());
  const pipeline = new Pipeline({
    db, registry, walSync, readings: new ReadingStore(db), spool, metrics, logger: log, verifier: opts.verifier ?? nodeVerifier, verifyWorker, site: cfg.site, dbFile: cfg.database,
    upstreamIsLocal: sameBroker,
    now: opts.now,
    onAccepted,
    onVerified: (v) => events.emit("verified", v),
    onSpooled: () => {
      checkSpool();
      upstream.kick();
    },
  });
  upstream.start();

  let mqttLink: MqttLink | undefined;
  if (local) {
    mqttLink = new MqttLink({
      broker: local, clientId: `solkit-gw-dev-${id.slice(0, 10)}`, site: cfg.site, pipeline, logger: log, relay: !sameBroker,
      onStatus: sameBroker ? undefined : (topic, payload) => {
        const why = statusRefusal(topic, payload, (d) => registry.get(d) !== undefined);
        if (why === undefined) upstream.publishRetained(topic, payload);
        else log.log("debug", "status", `not forwarded upstream: ${topic}: ${why}`);
      },
    });
    try {
      await mqttLink.start();
    } catch (e) {
      log.log("warn", "mqtt", `${(e as Error).message}; still trying in the background`);
    }
  }

  const serial: SerialLink[] = [];
  const deviceStatus = (device: string, online: boolean) => {
    if (registry.get(device)) upstream.publishRetained(buildTopic(cfg.site, device, "status"), online ? STATUS_ONLINE : STATUS_OFFLINE);
  };
  const addPort = (path: string, baudRate = 115200, repl?: "espruino" | "nodemcu") => {
    if (serial.some((s) => s.path === path)) return;
    const link = new SerialLink({ port: { path, baudRate, repl }, pipeline, logger: log, retryMs: cfg.serial.retryMs, relay: true, onDeviceStatus: deviceStatus });
    serial.push(link);
    link.start();
  };
  for (const p of cfg.serial.ports) addPort(p.path, p.baudRate, p.repl);
  let scanTimer: NodeJS.Timeout | undefined;
  if (cfg.serial.discover) {
    const scan = async () => {
      for (const p of await discoverPorts(log)) {
        if (!serial.some((s) => s.path === p)) log.log("info", "serial", `found ${p}`);
        addPort(p);
      }
    };
    await scan();
    scanTimer = setInterval(() => void scan(), opts.scanEveryMs ?? 5000);
  }

  let health: HealthServer | undefined;
  if (cfg.health.enabled) {
    const status = (): HealthStatus => ({
      status: spool.level === "full" ? "failing" : upstream.connected && spool.level === "ok" ? "ok" : "degraded",
      gateway: id,
      site: cfg.site,
      upstream: { connected: upstream.connected, url: safeUrl(upstreamBroker.url) },
      spool: { depth: spool.depth, bytes: spool.bytes, maxBytes: spool.maxBytes, level: spool.level },
      serial: serial.map((s) => ({ path: s.path, open: s.isOpen })),
      devices: registry.list().length,
    });
    const page = dashboard({ db, registry, teller: teller?.teller, site: cfg.site, events, adminToken: opts.adminToken, logger: log, now: opts.now });
    cleanups.push(async () => page.close());
    try {
      health = await startHealth(cfg.health.host, cfg.health.port, metrics, status, page.handle);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
      log.log("warn", "health", `port ${cfg.health.port} is taken; using a free port instead`);
      health = await startHealth(cfg.health.host, 0, metrics, status, page.handle);
    }
    log.log("info", "health", `dashboard on ${health.url}/${opts.adminToken ? " (admin token set: top-up and disconnect enabled)" : " (read-only)"}, health on ${health.url}/healthz, metrics on ${health.url}/metrics`);
  }
  cleanups.push(async () => health?.close());

  let localDevice: LocalDevice | undefined = undefined;
  if (cfg.localDevice !== undefined) {
    localDevice = new LocalDevice({ cfg: cfg.localDevice, bundle: opts.localDevice!.bundle, env: opts.localDevice!.env, brokerUrl: local!.url, site: cfg.site, registry, logger: log });
    localDevice.start();
    log.log("info", "local-device", `running ${cfg.localDevice.board}'s device program beside the gateway (store ${cfg.localDevice.data})`);
  }

  return {
    id, db, registry, spool, metrics, pipeline, upstream, serial, statusTopic, teller: teller?.teller, events,
    pollTeller: async () => {
      await teller?.poll();
    },
    brokerUrl: local?.url, deviceBrokerUrl: broker?.deviceUrl ?? local?.url, healthUrl: health?.url, localDevice,
    stop: async () => {
      await localDevice?.stop(); // first: its relay released while the broker is still there
      clearInterval(stateTimer);
      clearInterval(spoolTimer);
      clearInterval(scanTimer);
      await Promise.all(serial.map((s) => s.stop()));
      await mqttLink?.stop();
      await pipeline.drain();
      flushStates();
      await Promise.race([upstream.stop(), new Promise((r) => setTimeout(r, 3000))]);
      await broker?.close();
      for (const c of cleanups) await c();
      db.close();
      unlock();
    },
  };
}
