/**
 * The real gateway as the simulator's host: startGateway with a temporary SQLite file and an
 * embedded MQTT broker the simulator owns (so "broker down" can stop it and bring it back on
 * the same port). Each simulated serial line is a LinkContext fed the way SerialLink feeds
 * the pipeline (link-serial.ts): log lines logged, bad lines rejected, frames submitted; acks
 * go back down the line as REPL calls. The pipeline acks after its SQLite commit, on a later
 * turn of Node's event loop, so settle() yields to it after every step.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, type GatewayConfig } from "../../host/gateway/config";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../host/gateway/broker-embedded";
import { startGateway, type Gateway } from "../../host/gateway/gateway";
import { MemoryLogger, type Logger } from "../../host/gateway/log";
import type { LinkContext } from "../../host/gateway/pipeline";
import { encodeDownlinkLine, LineParser } from "../../shared/protocol/frame";
import type { HostDevice, SimHost } from "./sim-host";
import type { TellerConfig } from "../../host/teller/teller-config";
import type { Notice } from "../../host/teller/teller";
import type { LineTap } from "./tap";

interface Line {
  dev: HostDevice;
  tap: LineTap;
  parser: LineParser;
  ctx: LinkContext;
}

/** A teller in the simulated gateway (simulator/teller/site.ts), on the simulation's clock. */
export interface GatewayHostExtras {
  /** The directory for the database (removed on close); default a new temporary one. */
  dir?: string;
  teller?: TellerConfig;
  now?: () => number;
  keystorePassphrase?: string;
  onNotice?: (n: Notice) => void;
  /** Serve the dashboard (and /healthz) on this loopback port (0: a free one); default none. */
  httpPort?: number;
  /** Enables the dashboard's top-up and disconnect. */
  adminToken?: string;
  /** Relay readings and notices to this broker instead of the embedded one. */
  upstreamUrl?: string;
}

/** Lets Node's event loop run the pipeline's batch (setImmediate) and its acks. */
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

export class GatewayHost implements SimHost {
  readonly kind = "gateway";
  acking = true;
  clockOffsetS = 0;
  private readonly lines = new Map<string, Line>();

  private readonly gatewayPassword: string;

  private constructor(readonly gateway: Gateway, private broker: EmbeddedBroker | undefined, private readonly port: number, private readonly dir: string, readonly logger: MemoryLogger) {
    this.gatewayPassword = broker?.gateway.password ?? "";
  }

  /**
   * Starts a broker on a free loopback port and the gateway on a temporary database.
   * @throws Error when the broker or the database cannot be opened
   */
  static async start(log?: Logger, extra: GatewayHostExtras = {}): Promise<GatewayHost> {
    const dir = extra.dir ?? mkdtempSync(join(tmpdir(), "solkit-sim-gw-"));
    const logger = new MemoryLogger(log);
    const broker = await startEmbeddedBroker("127.0.0.1", 0, logger);
    const port = Number(new URL(broker.url).port);
    const cfg: GatewayConfig = {
      ...defaultConfig(dir),
      database: join(dir, "gateway.db"),
      // The gateway logs in as the gateway (the broker refuses its ids otherwise, issue 11).
      devices: { broker: { url: broker.url, username: broker.gateway.username, password: broker.gateway.password, rejectUnauthorized: true } },
      serial: { discover: false, ports: [], retryMs: 1000 },
      health: { enabled: extra.httpPort !== undefined, host: "127.0.0.1", port: extra.httpPort ?? 0 },
      teller: extra.teller,
      ...(extra.upstreamUrl ? { upstream: { url: extra.upstreamUrl, rejectUnauthorized: true } } : {}),
    };
    const gateway = await startGateway(cfg, { logger, stateEveryMs: 60_000, now: extra.now, keystorePassphrase: extra.keystorePassphrase, onNotice: extra.onNotice, adminToken: extra.adminToken });
    return new GatewayHost(gateway, broker, port, dir, logger);
  }

  addDevice(dev: HostDevice, tap: LineTap): void {
    this.gateway.registry.add({ id: dev.id, hmacKey: dev.hmacKey, board: "sim", repl: dev.repl ?? "espruino", name: dev.id.slice(0, 8) });
    const ctx: LinkContext = {
      name: `serial:sim-${dev.id.slice(0, 8)}`,
      relay: true,
      sendAck: (_device, ack) => {
        if (this.acking) dev.write(encodeDownlinkLine(ack, dev.repl ?? "espruino"));
      },
    };
    this.lines.set(dev.id, { dev, tap, parser: new LineParser(), ctx });
  }

  receive(id: string, text: string, simMs: number): void {
    const l = this.lines.get(id);
    if (!l || text === "") return;
    l.tap.push(text, simMs);
    for (const ev of l.parser.push(text)) {
      if (ev.type === "error") this.gateway.pipeline.reject(l.ctx, ev.code ?? "E_LINE", "line noise; not acked, the device resends");
      else if (ev.frame) this.gateway.pipeline.submit(ev.frame, l.ctx);
    }
  }

  async settle(): Promise<void> {
    await turn();
  }

  async setBroker(up: boolean): Promise<void> {
    if (!up && this.broker) {
      const b = this.broker;
      this.broker = undefined;
      await b.close();
    } else if (up && !this.broker) {
      // Back with the same gateway password: the gateway reconnects as before.
      this.broker = await startEmbeddedBroker("127.0.0.1", this.port, this.logger, this.gatewayPassword);
    }
  }

  spoolDepth(): number {
    return this.gateway.spool.depth;
  }

  /** Readings the gateway stored for a device (its verified count). */
  stored(id: string): number {
    return this.gateway.registry.get(id)?.verified ?? 0;
  }

  async close(): Promise<void> {
    await this.gateway.stop();
    await this.broker?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
