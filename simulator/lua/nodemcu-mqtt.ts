/**
 * The network behind a simulated NodeMCU board's mqtt module: each client the Lua program
 * connects (nodemcu-emu.lua's "M …" lines) becomes a real MQTT connection from this process to
 * the broker the board names, so a simulated board logs in to a real gateway's broker as a
 * chip on Wi-Fi would. What the connections bring comes back as "N …" commands, which the
 * board hands the Lua process before it next runs (events wait for the board's next step, as
 * a chip's network task waits for the Lua task).
 *
 * Like NodeMCU's client, a lost connection stays lost (the firmware reconnects). A power cut or
 * a restart drops every connection without a DISCONNECT: the broker publishes the wills.
 */
import { isIP } from "node:net";
import mqtt, { type MqttClient } from "mqtt";

/** CONNACK refusals as mqtt.js reports them, to NodeMCU's reason codes (its mqtt docs). */
function reason(e: Error & { code?: unknown }): number {
  return typeof e.code === "number" && e.code >= 1 && e.code <= 5 ? e.code : -5; // CONN_FAIL_SERVER_NOT_FOUND
}

const text = (hex: string): string => Buffer.from(hex, "hex").toString("latin1");
const bytes = (hex: string): Buffer => Buffer.from(hex, "hex");

export class NodeMcuNetwork {
  private readonly clients = new Map<number, MqttClient>();
  private events: string[] = [];
  private up = true;

  /**
   * @param broker where a board's "host:port" really is (a test's broker on a free port), as a
   *   URL (mqtts:// when `tls`), or undefined: as the board says
   */
  constructor(private readonly broker?: (host: string, port: number, tls: boolean) => string) {}

  /** Handles one "M …" line of the Lua process. */
  handle(line: string): void {
    const [, op, n, ...a] = line.split(" ");
    const id = Number(n);
    if (op === "C") this.connect(id, a);
    else if (op === "S") this.clients.get(id)?.subscribe(text(a[0]), { qos: Number(a[1]) as 0 | 1 | 2 });
    else if (op === "P") this.clients.get(id)?.publish(text(a[0]), bytes(a[1]), { qos: Number(a[2]) as 0 | 1 | 2, retain: a[3] === "1" });
    else if (op === "X") this.drop(id, false);
  }

  private connect(n: number, a: string[]): void {
    this.drop(n, true);
    const [host, port, clientId, user, pass, clean, keepalive, willTopic, will, tls = "-"] = a;
    if (!this.up) {
      this.events.push(`N f ${n} -5`);
      return;
    }
    const secure = tls !== "-";
    const url = this.broker?.(text(host), Number(port), secure) ?? `${secure ? "mqtts" : "mqtt"}://${text(host)}:${port}`;
    const c = mqtt.connect(url, {
      // As the chip's TLS: the certificate checked against the CA it was given (name included),
      // or not at all when it was given none.
      ...(secure ? { ca: tls === "1" ? undefined : text(tls), rejectUnauthorized: tls !== "1", servername: isIP(text(host)) === 0 ? text(host) : undefined } : {}),
      clientId: text(clientId), username: text(user) || undefined, password: text(pass) || undefined,
      clean: clean === "1", keepalive: Number(keepalive), reconnectPeriod: 0, connectTimeout: 5000,
      will: willTopic === "" ? undefined : { topic: text(willTopic), payload: bytes(will), qos: 1, retain: true },
    });
    let connected = false;
    c.on("connect", () => {
      connected = true;
      this.events.push(`N c ${n}`);
    });
    c.on("message", (topic, payload) => this.events.push(`N m ${n} ${Buffer.from(topic, "latin1").toString("hex")} ${payload.toString("hex")}`));
    c.on("error", (e) => {
      if (!connected) {
        this.events.push(`N f ${n} ${reason(e)}`);
        this.drop(n, true);
      }
    });
    c.on("close", () => {
      if (this.clients.get(n) !== c) return;
      this.clients.delete(n);
      this.events.push(connected ? `N o ${n}` : `N f ${n} -5`);
      c.end(true);
    });
    this.clients.set(n, c);
  }

  /** Ends client n: with `abrupt` the socket is cut (the broker sends the will), else a DISCONNECT. */
  private drop(n: number, abrupt: boolean): void {
    const c = this.clients.get(n);
    if (c === undefined) return;
    this.clients.delete(n);
    if (abrupt) c.stream?.destroy();
    c.end(abrupt);
  }

  /** Commands for the Lua process, oldest first; taken away. */
  take(): string[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  /**
   * The board's Wi-Fi network goes down or comes back: down cuts every connection (the broker
   * sees them go) and refuses new ones. Returns the command telling the Lua process.
   */
  setUp(up: boolean): string {
    this.up = up;
    if (!up) for (const n of [...this.clients.keys()]) this.cut(n);
    return `N W ${up ? 1 : 0}`;
  }

  /** The connection drops without a word (the broker publishes the will); the board hears of it. */
  private cut(n: number): void {
    this.drop(n, true);
    this.events.push(`N o ${n}`);
  }

  /** The process ended (a power cut, a restart): its connections go without a word; its events with it. */
  reset(): void {
    for (const n of [...this.clients.keys()]) this.drop(n, true);
    this.events = [];
  }

  get isUp(): boolean {
    return this.up;
  }
}
