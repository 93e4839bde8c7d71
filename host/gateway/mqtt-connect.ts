/**
 * MQTT.js client options from a broker config, with TCP_NODELAY on the socket: neither
 * MQTT.js nor the brokers set it, and Nagle's algorithm held QoS 0 p99 latency near 42 ms
 * instead of ~2 ms on loopback (DESIGN.md, measured).
 */
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { SolkitError } from "../../shared/errors";
import type { BrokerConfig } from "./config";

/**
 * MQTT.js logs every packet through the `debug` package, whose logger takes rest parameters:
 * an array per call even when logging is off, about 4 KB of garbage per relayed reading
 * (bench/gateway.ts, heap sampling). Unless DEBUG asks for MQTT.js's log, a no-op takes its place.
 */
const quietLog: (() => void) | undefined = /mqttjs/.test(process.env.DEBUG ?? "") ? undefined : () => {};

/**
 * Connects (in the background; listen for "connect") with the given options on top of the
 * broker's URL, credentials and TLS CA.
 * @throws SolkitError E_CONFIG when the CA file cannot be read
 */
export function connectBroker(b: BrokerConfig, extra: IClientOptions): MqttClient {
  const opts: IClientOptions = { ...extra, rejectUnauthorized: b.rejectUnauthorized };
  if (quietLog !== undefined && opts.log === undefined) opts.log = quietLog;
  if (b.username !== undefined) opts.username = b.username;
  if (b.password !== undefined) opts.password = b.password;
  if (b.ca !== undefined) {
    try {
      opts.ca = readFileSync(b.ca);
    } catch (e) {
      throw new SolkitError("E_CONFIG", `cannot read the broker's CA file ${b.ca}: ${(e as Error).message}`);
    }
  }
  const client = mqtt.connect(b.url, opts);
  noDelay(client);
  return client;
}

/** Sets TCP_NODELAY on every socket the client opens (also after a reconnect). */
export function noDelay(client: MqttClient): void {
  const set = () => (client.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
  set();
  client.on("connect", set);
  client.on("reconnect", set);
}

/**
 * The broker URL without any credentials in it, for log lines and status. Everything up to the
 * *last* "@" of the authority goes: a password with an unescaped "@" (or "%40") in it leaked its
 * tail when the first "@" ended the cut (issue 11).
 */
export function safeUrl(url: string): string {
  return url.replace(/\/\/[^/?#]*@/, "//");
}
