/**
 * The embedded broker of the default setup: aedes in this process, on a loopback port, so
 * a hobbyist needs no Mosquitto. TCP_NODELAY is set on every accepted socket (DESIGN.md:
 * without it, Nagle's algorithm put QoS 0 p99 latency near 42 ms on loopback).
 *
 * With a certificate (`devices.embedded.tls`) the devices' port speaks MQTT over TLS only,
 * so Wi-Fi devices on the site's network reach it without their readings or broker passwords
 * crossing the air in clear; the gateway's own clients then use a second listener on a free
 * loopback port (no certificate to trust for itself, nothing new reachable from the network).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type AddressInfo, type Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from "aedes";
import { isPublicKey } from "../../shared/crypto/strkey";
import { mqttPassword } from "../../shared/protocol/mqtt-auth";
import type { Logger } from "./log";
import { SolkitError } from "../../shared/errors";

/** The user name the gateway's own clients log in with; its password is made at every start. */
export const GATEWAY_USER = "solkit-gateway";
/** Client ids that only the gateway may take (its device link and its upstream publisher). */
const GATEWAY_ID_PREFIX = "solkit-gw";
/** Readings are under 1 KB; nothing a device or dashboard sends needs more. */
export const MAX_PUBLISH_BYTES = 64 * 1024;

export interface EmbeddedBroker {
  host: string;
  /** The devices' port. */
  port: number;
  /** Where the gateway's own clients connect (the devices' URL, or the loopback one with TLS). */
  url: string;
  /** Where devices connect: mqtt://host:port, or mqtts:// with TLS. */
  deviceUrl: string;
  /** What the gateway's own clients log in with (the password lives only in this process). */
  gateway: { username: string; password: string };
  /** The aedes instance (events such as "publish", for tests and tools). */
  aedes: Aedes;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/**
 * Starts aedes on host:port.
 * @throws SolkitError E_IN_USE when the port is taken; Error when it cannot listen at all
 */
/**
 * The host key of a registered device (undefined when unknown): with it the broker checks a
 * device's password (PROTOCOL.md 6.3) and keeps each device to its own topics. Without it
 * (a bare broker in a benchmark), devices are not authenticated.
 */
export type DeviceKeys = (id: string) => Uint8Array | undefined;

/** The devices' listener's certificate and key (PEM). */
export interface BrokerTls {
  cert: string | Buffer;
  key: string | Buffer;
}

export async function startEmbeddedBroker(host: string, port: number, logger?: Logger, gatewayPassword?: string, deviceKeys?: DeviceKeys, tls?: BrokerTls): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  // New at every start unless given (a test restarting "the same" broker under a client).
  const password = gatewayPassword ?? randomBytes(24).toString("hex");
  guard(aedes, password, logger, deviceKeys, tls !== undefined);
  const servers: Server[] = [];
  const closeAll = async (): Promise<void> => {
    await new Promise<void>((res) => aedes.close(() => res()));
    for (const s of servers) await new Promise<void>((res) => s.close(() => res()));
  };
  let server: Server;
  try {
    // A bad certificate or key is one clear error, before anything listens.
    server = tls === undefined ? createServer({ noDelay: true }, aedes.handle) : createTlsServer({ cert: tls.cert, key: tls.key, minVersion: "TLSv1.2", noDelay: true }, aedes.handle);
  } catch (e) {
    await closeAll();
    throw new SolkitError("E_CONFIG", `embedded broker TLS: ${(e as Error).message} (devices.embedded.tls: a PEM certificate and its private key)`);
  }
  servers.push(server);
  try {
    await listen(server, port, host);
  } catch (e) {
    await closeAll().catch(() => {});
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    // Refused, not moved to a free port: devices configured for this port would find the other
    // broker, and a second gateway would quietly share the first one's devices (issue 11).
    throw new SolkitError("E_IN_USE", `port ${port} on ${host} is in use (another solkit host or MQTT broker?); stop it, or set "devices": {"embedded": {"port": …}} in the config (0 = any free port)`);
  }
  const addr = server.address() as AddressInfo;
  const at = (h: string, p: number) => `${h.includes(":") ? `[${h}]` : h}:${p}`;
  const deviceUrl = `${tls === undefined ? "mqtt" : "mqtts"}://${at(host, addr.port)}`;
  let url = deviceUrl;
  if (tls !== undefined) {
    const own = createServer({ noDelay: true }, aedes.handle);
    servers.push(own);
    await listen(own, 0, "127.0.0.1");
    url = `mqtt://${at("127.0.0.1", (own.address() as AddressInfo).port)}`;
  }
  return {
    host,
    port: addr.port,
    url,
    deviceUrl,
    gateway: { username: GATEWAY_USER, password },
    aedes,
    close: closeAll,
  };
}

type Tagged = Client & { solkitGateway?: boolean; solkitDevice?: string };

function isGateway(client: Client | null): boolean {
  return client !== null && (client as Tagged).solkitGateway === true;
}

/** The device id a client logged in as (PROTOCOL.md 6.3), if any. */
function deviceOf(client: Client | null): string | undefined {
  return client === null ? undefined : (client as Tagged).solkitDevice;
}

function refuse(done: (e: AuthenticateError | null, ok: boolean | null) => void, code: 4 | 5, text: string): void {
  const e = new Error(text) as AuthenticateError;
  e.returnCode = code; // 4 bad user name or password, 5 not authorized
  done(e, null);
}

/**
 * The broker's rules (issue 11):
 * - with the registry (`deviceKeys`), a device logs in with its id and its password
 *   (PROTOCOL.md 6.3) and may publish and subscribe only under its own topics; a client without
 *   a user name may watch (subscribe) but not publish under solkit/ — a dashboard, not a device;
 * and in any case what let a stranger on the network act as the gateway:
 * - a gateway client id (solkit-gw…) or the gateway's user name without the gateway's password:
 *   aedes would otherwise let a second connection with the gateway's id kick the gateway off;
 * - publishing to a device's `cmd` topic, unless the gateway;
 * - retained messages on `cmd` and `reading` (a retained forgery would greet every subscriber);
 * - a publish over MAX_PUBLISH_BYTES;
 * - with `devicesOnlyOverTls`, anyone without a login on the TLS (network) listener: watchers
 *   use the loopback one, and a stranger on the site's network sees nobody's readings.
 */
function guard(aedes: Aedes, password: string, logger?: Logger, deviceKeys?: DeviceKeys, devicesOnlyOverTls = false): void {
  const secret = Buffer.from(password);
  aedes.authenticate = (client: Client, username: Readonly<string> | undefined, given: Readonly<Buffer> | undefined, done: (e: AuthenticateError | null, ok: boolean | null) => void) => {
    const claims = username === GATEWAY_USER || (client.id ?? "").startsWith(GATEWAY_ID_PREFIX);
    if (!claims && deviceKeys !== undefined && username !== undefined && username !== "") {
      const key = isPublicKey(username) ? deviceKeys(username) : undefined;
      const want = key === undefined ? undefined : Buffer.from(mqttPassword(key));
      key?.fill(0);
      if (want === undefined || given === undefined || given.length !== want.length || !timingSafeEqual(given, want)) {
        logger?.log("warn", "broker", `refused client "${String(client.id).slice(0, 40)}": user "${username.slice(0, 56)}" is not a registered device with that password`);
        return refuse(done, 4, "unknown device or wrong password");
      }
      (client as Tagged).solkitDevice = username;
      return done(null, true);
    }
    if (!claims && devicesOnlyOverTls && (client.conn as { encrypted?: boolean } | undefined)?.encrypted === true) {
      logger?.log("warn", "broker", `refused client "${String(client.id).slice(0, 40)}" on the TLS listener: only devices and the gateway log in there`);
      return refuse(done, 5, "only devices log in here");
    }
    if (!claims) return done(null, true);
    const ok = given !== undefined && given.length === secret.length && timingSafeEqual(given, secret) && username === GATEWAY_USER;
    if (!ok) {
      logger?.log("warn", "broker", `refused client "${String(client.id).slice(0, 40)}": the gateway's id or user name without its password`);
      return refuse(done, 5, "not the gateway");
    }
    (client as Tagged).solkitGateway = true;
    done(null, true);
  };
  // A device reads only its own topics (its commands; others' readings tell when a home is empty).
  aedes.authorizeSubscribe = (client: Client | null, sub: Subscription, done: (e: Error | null, s?: Subscription | null) => void) => {
    const dev = deviceOf(client);
    if (deviceKeys === undefined || dev === undefined || isGateway(client)) return done(null, sub);
    const parts = sub.topic.split("/");
    if (parts[0] === "solkit" && parts[3] === dev) return done(null, sub);
    logger?.log("warn", "broker", `refused device ${dev.slice(0, 8)}… subscribing to "${sub.topic.slice(0, 80)}": not its own topics`);
    done(null, null); // a failure grant (0x80) in the SUBACK; the connection stays
  };
  aedes.authorizePublish = (client: Client | null, packet: PublishPacket, done: (e?: Error | null) => void) => {
    const leaf = packet.topic.split("/")[4];
    const size = typeof packet.payload === "string" ? Buffer.byteLength(packet.payload) : packet.payload.length;
    if (size > MAX_PUBLISH_BYTES) return done(new Error(`publish of ${size} bytes refused (limit ${MAX_PUBLISH_BYTES})`));
    if (packet.topic.startsWith("solkit/") && (leaf === "cmd" || leaf === "reading") && packet.retain) return done(new Error(`retained ${leaf} refused`));
    if (packet.topic.startsWith("solkit/") && leaf === "cmd" && !isGateway(client)) {
      logger?.log("warn", "broker", `refused a cmd publish from "${String(client?.id).slice(0, 40)}": only the gateway sends commands`);
      return done(new Error("only the gateway publishes cmd"));
    }
    if (deviceKeys !== undefined && packet.topic.startsWith("solkit/") && client !== null && !isGateway(client)) {
      const dev = deviceOf(client);
      if (dev === undefined || packet.topic.split("/")[3] !== dev) {
        logger?.log("warn", "broker", `refused a publish to "${packet.topic.slice(0, 80)}" from "${String(client.id).slice(0, 40)}": ${dev === undefined ? "not logged in as a device" : "another device's topic"}`);
        return done(new Error("a device publishes under its own topics only"));
      }
    }
    done(null);
  };
}
