/**
 * A price oracle (issue 12): the kWh price from an HTTP URL (polled) or an MQTT topic (pushed),
 * each message JSON `{"pricePerKwh": "0.21", "time": 1800000000}` (time optional: when it
 * arrived). Every price heard is kept with its time in the gateway's database, so a period
 * closed later bills each reading at the price in force when it was measured. A price older
 * than the staleness limit is not used: the tariff's price is, and the bill says so
 * ("fixed (oracle stale)"), so a dead oracle neither stops billing nor bills at a guess.
 */
import mqtt from "mqtt";
import type { Db } from "../gateway/store-sqlite";
import type { Logger } from "../gateway/log";
import { fromStroops, toStroops } from "../ledger/ledger";
import { priceAt as tariffPriceAt, type Tariff } from "./tariff";
import type { Price } from "./statement";

const SCHEMA = "CREATE TABLE IF NOT EXISTS teller_prices (at INTEGER NOT NULL, price TEXT NOT NULL, source TEXT NOT NULL)";

export interface OracleConfig {
  url?: string;
  /** With `broker`: the MQTT topic prices arrive on. */
  topic?: string;
  broker?: string;
  maxAgeS: number;
  pollMs?: number;
  /**
   * Stroops per kWh above which a price is refused: whoever can publish on the topic or answer
   * for the URL would otherwise set what autopay takes from customers' wallets.
   */
  maxPrice: bigint;
}

/** A price message; undefined when it is not one (one warning in the log, the price unchanged). */
export function parsePriceMessage(text: string, nowS: number): { price: bigint; at: number } | undefined {
  try {
    const o = JSON.parse(text) as { pricePerKwh?: unknown; time?: unknown };
    const p = typeof o.pricePerKwh === "number" ? o.pricePerKwh.toFixed(7) : o.pricePerKwh;
    if (typeof p !== "string" || !/^\d{1,9}(\.\d{1,7})?$/.test(p)) return undefined;
    const at = o.time === undefined ? nowS : o.time;
    if (typeof at !== "number" || !Number.isInteger(at) || at <= 0 || at > nowS + 300) return undefined;
    return { price: toStroops(p), at };
  } catch {
    return undefined;
  }
}

export class PriceOracle {
  private readonly stops: (() => void)[] = [];

  constructor(private readonly db: Db, private readonly tariff: Tariff, private readonly cfg: OracleConfig, private readonly log: Logger, private readonly nowS: () => number) {
    db.exec(SCHEMA);
  }

  get source(): string {
    return this.cfg.url ? `oracle ${this.cfg.url}` : `oracle mqtt ${this.cfg.topic}`;
  }

  /** Takes one message from the oracle. */
  hear(text: string): void {
    const p = parsePriceMessage(text, this.nowS());
    if (p === undefined) {
      this.log.log("warn", "teller", `${this.source}: not a price message (${text.slice(0, 80)}); the last price stays`);
      return;
    }
    if (p.price > this.cfg.maxPrice) {
      this.log.log("warn", "teller", `${this.source}: price ${fromStroops(p.price)} a kWh is above the limit ${fromStroops(this.cfg.maxPrice)} (price.maxPricePerKwh); refused, the last price stays`);
      return;
    }
    this.db.prepare("INSERT INTO teller_prices (at, price, source) VALUES (?, ?, ?)").run(p.at, p.price.toString(), this.source);
  }

  /** The price for a reading measured at `unixS`: the oracle's in force then, unless stale. */
  priceAt(unixS: number): Price {
    const r = this.db.prepare("SELECT at, price, source FROM teller_prices WHERE at <= ? ORDER BY at DESC, rowid DESC LIMIT 1").get(unixS) as { at: number; price: string; source: string } | undefined;
    if (r !== undefined && unixS - r.at <= this.cfg.maxAgeS) return { pricePerKwh: BigInt(r.price), source: r.source, at: r.at };
    const t = tariffPriceAt(this.tariff, unixS);
    return { pricePerKwh: t.pricePerKwh, source: `${t.source} (oracle stale: ${r ? `last price at ${r.at}` : "no price yet"})`, at: unixS };
  }

  /** Starts listening: polls the URL, or subscribes to the topic. */
  start(): void {
    if (this.cfg.url) {
      const url = this.cfg.url;
      const poll = async () => {
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          this.hear(await res.text());
        } catch (e) {
          this.log.log("warn", "teller", `${this.source}: ${(e as Error).message}; the last price stays until it is ${this.cfg.maxAgeS} s old`);
        }
      };
      void poll();
      const t = setInterval(() => void poll(), this.cfg.pollMs ?? 60_000);
      this.stops.push(() => clearInterval(t));
    } else if (this.cfg.topic && this.cfg.broker) {
      const c = mqtt.connect(this.cfg.broker, { reconnectPeriod: 5000 });
      c.on("connect", () => c.subscribe(this.cfg.topic!));
      c.on("message", (_t, payload) => this.hear(payload.toString("utf8")));
      c.on("error", (e) => this.log.log("warn", "teller", `${this.source}: ${e.message}`));
      this.stops.push(() => c.end(true));
    }
  }

  stop(): void {
    for (const s of this.stops.splice(0)) s();
  }
}
