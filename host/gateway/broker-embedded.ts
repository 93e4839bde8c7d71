/**
 * The embedded broker of the default setup: aedes in this process, on a loopback port, so
 * a hobbyist needs no Mosquitto. TCP_NODELAY is set on every accepted socket (DESIGN.md:
 * without it, Nagle's algorithm put QoS 0 p99 latency near 42 ms on loopback).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type AddressInfo, type Server } from "node:net";
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from "aedes";
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
  port: number;
  url: string;
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
export async function startEmbeddedBroker(host: string, port: number, logger?: Logger, gatewayPassword?: string): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  // New at every start unless given (a test restarting "the same" broker under a client).
  const password = gatewayPassword ?? randomBytes(24).toString("hex");
  guard(aedes, password, logger);
  const server = createServer({ noDelay: true }, aedes.handle);
  try {
    await listen(server, port, host);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    // Refused, not moved to a free port: devices configured for this port would find the other
    // broker, and a second gateway would quietly share the first one's devices (issue 11).
    await new Promise<void>((res) => aedes.close(() => res()));
    throw new SolkitError("E_IN_USE", `port ${port} on ${host} is in use (another solkit host or MQTT broker?); stop it, or set "devices": {"embedded": {"port": …}} in the config (0 = any free port)`);
  }
  const addr = server.address() as AddressInfo;
  const url = `mqtt://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
  return {
    host,
    port: addr.port,
    url,
    gateway: { username: GATEWAY_USER, password },
    aedes,
    close: async () => {
      await new Promise<void>((res) => aedes.close(() => res()));
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

function isGateway(client: Client | null): boolean {
  return client !== null && (client as Client & { solkitGateway?: boolean }).solkitGateway === true;
}

/**
 * The broker's rules (issue 11). Devices and dashboards still connect without credentials (the
 * readings are signed and the tokens MAC'd); what the broker refuses is what let a stranger
 * on the network act as the gateway:
 * - a gateway client id (solkit-gw…) or the gateway's user name without the gateway's password:
 *   aedes would otherwise let a second connection with the gateway's id kick the gateway off;
 * - publishing to a device's `cmd` topic, unless the gateway;
 * - retained messages on `cmd` and `reading` (a retained forgery would greet every subscriber);
 * - a publish over MAX_PUBLISH_BYTES.
 */
function guard(aedes: Aedes, password: string, logger?: Logger): void {
  const secret = Buffer.from(password);
  aedes.authenticate = (client: Client, username: Readonly<string> | undefined, given: Readonly<Buffer> | undefined, done: (e: AuthenticateError | null, ok: boolean | null) => void) => {
    const claims = username === GATEWAY_USER || (client.id ?? "").startsWith(GATEWAY_ID_PREFIX);
    if (!claims) return done(null, true);
    const ok = given !== undefined && given.length === secret.length && timingSafeEqual(given, secret) && username === GATEWAY_USER;
    if (!ok) {
      logger?.log("warn", "broker", `refused client "${String(client.id).slice(0, 40)}": the gateway's id or user name without its password`);
      const e = new Error("not the gateway") as AuthenticateError;
      e.returnCode = 5; // not authorized
      return done(e, null);
    }
    (client as Client & { solkitGateway?: boolean }).solkitGateway = true;
    done(null, true);
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
    done(null);
  };
}
