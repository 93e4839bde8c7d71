/**
 * The embedded broker of the default setup: aedes in this process, on a loopback port, so
 * a hobbyist needs no Mosquitto. TCP_NODELAY is set on every accepted socket (DESIGN.md:
 * without it, Nagle's algorithm put QoS 0 p99 latency near 42 ms on loopback).
 */
import { createServer, type AddressInfo, type Server } from "node:net";
import { Aedes } from "aedes";
import type { Logger } from "./log";

export interface EmbeddedBroker {
  host: string;
  port: number;
  url: string;
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
 * Starts aedes on host:port; when the port is taken, on a free one (and says so).
 * @throws Error when it cannot listen at all
 */
export async function startEmbeddedBroker(host: string, port: number, logger?: Logger): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const server = createServer({ noDelay: true }, aedes.handle);
  try {
    await listen(server, port, host);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0) throw e;
    logger?.log("warn", "broker", `port ${port} on ${host} is taken (another broker?); using a free port instead`);
    await listen(server, 0, host);
  }
  const addr = server.address() as AddressInfo;
  const url = `mqtt://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
  return {
    host,
    port: addr.port,
    url,
    aedes,
    close: async () => {
      await new Promise<void>((res) => aedes.close(() => res()));
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
