/**
 * A fleet consumer (issue 15): one of several processes sharing the readings of many sites
 * from one (clustered) broker through an MQTT shared subscription, `$share/<group>/<filter>`:
 * the broker hands each message to one member of the group, so consumers scale out by adding
 * processes. Delivery is at least once (QoS 1), so the store deduplicates by device and seq
 * (the primary key): a reading delivered twice — a consumer killed before its PUBACK, a site's
 * gateway re-sending after a reconnect — is stored and counted once. The PUBACK leaves only
 * after the reading's row is committed; each consumer keeps a persistent session (its own
 * client id, clean: false), so messages it had not acked when killed are delivered again to it
 * when it comes back.
 */
import Database from "better-sqlite3";
import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "../gateway/log";
import { parseReadingPayload } from "../protocol/mqtt-payload";
import { parseTopic } from "../../shared/protocol/topics";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS fleet_readings (
  device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, site TEXT NOT NULL, payload TEXT NOT NULL,
  consumer TEXT NOT NULL, stored_at INTEGER NOT NULL, PRIMARY KEY (device, seq)
);
CREATE TABLE IF NOT EXISTS fleet_consumers (consumer TEXT PRIMARY KEY, stored INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0, refused INTEGER NOT NULL DEFAULT 0);
`;

export interface ConsumerOptions {
  /** mqtt://user:password@host:port (or mqtts://). */
  broker: string;
  group: string;
  /** The consumer's name: its client id and its row in the stats; stable across restarts. */
  id: string;
  /** The shared store (SQLite here; the same key and statements on PostgreSQL at fleet scale). */
  db: string;
  filter?: string;
  logger: Logger;
  /** A commit failed: nothing was acked; the process should stop (its supervisor restarts it). */
  onFatal?: (e: Error) => void;
}

export interface Consumer {
  readonly stats: { stored: number; duplicates: number; refused: number };
  /** Resolves once subscribed. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function startConsumer(o: ConsumerOptions): Consumer {
  const db = new Database(o.db);
  db.pragma("busy_timeout = 10000"); // first: consumers starting together all switch the file to WAL
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(SCHEMA);
  db.prepare("INSERT OR IGNORE INTO fleet_consumers (consumer) VALUES (?)").run(o.id);
  const insert = db.prepare("INSERT OR IGNORE INTO fleet_readings (device, seq, hash, site, payload, consumer, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const sameHash = db.prepare("SELECT hash FROM fleet_readings WHERE device = ? AND seq = ?");
  const count = (col: "stored" | "duplicates" | "refused") => db.prepare(`UPDATE fleet_consumers SET ${col} = ${col} + 1 WHERE consumer = ?`);
  const bump = { stored: count("stored"), duplicates: count("duplicates"), refused: count("refused") };
  const stats = { stored: 0, duplicates: 0, refused: 0 };
  const take = db.transaction((topic: string, text: string): "stored" | "duplicates" | "refused" => {
    let p;
    let t;
    try {
      p = parseReadingPayload(text);
      t = parseTopic(topic);
    } catch (e) {
      o.logger.log("warn", "consume", `refused a message on ${topic}: ${(e as Error).message}`);
      bump.refused.run(o.id);
      return "refused";
    }
    if (t.device !== p.device || t.leaf !== "reading") {
      o.logger.log("warn", "consume", `refused: the payload of ${p.device} came on ${topic}`);
      bump.refused.run(o.id);
      return "refused";
    }
    const r = insert.run(p.device, p.fields.seq, p.hash, t.site, text, o.id, Date.now());
    if (r.changes === 1) {
      bump.stored.run(o.id);
      return "stored";
    }
    const had = (sameHash.get(p.device, p.fields.seq) as { hash: string }).hash;
    if (had !== p.hash) o.logger.log("error", "consume", `device=${p.device} seq ${p.fields.seq} came with two different hashes (${had.slice(0, 12)}…, ${p.hash.slice(0, 12)}…): kept the first`);
    bump.duplicates.run(o.id);
    return "duplicates";
  });
  const filter = o.filter ?? "solkit/v1/+/+/reading";
  let client: MqttClient;
  const ready = new Promise<void>((resolve, reject) => {
    client = mqtt.connect(o.broker, {
      clientId: `solkit-consumer-${o.id}`, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 86_400 }, reconnectPeriod: 1000,
      // The PUBACK waits for the commit: a reading is never acked before it is stored.
      customHandleAcks: (topic, message, _packet, done) => {
        let what: "stored" | "duplicates" | "refused";
        try {
          what = take(topic, message.toString("utf8"));
        } catch (e) {
          o.logger.log("error", "consume", `commit failed, not acked: ${(e as Error).message}`);
          o.onFatal?.(e as Error);
          return; // no PUBACK: the broker delivers it again to this session
        }
        stats[what]++;
        done(0);
      },
    });
    client.once("connect", () => {
      client.subscribe(`$share/${o.group}/${filter}`, { qos: 1 }, (err, granted) => {
        if (err || (granted?.[0]?.qos ?? 128) >= 128) reject(new Error(`the broker refused $share/${o.group}/${filter}${err ? `: ${err.message}` : ""}`));
        else resolve();
      });
    });
    client.on("error", (e) => o.logger.log("warn", "consume", `broker: ${e.message}`));
  });
  return {
    stats,
    ready,
    stop: async () => {
      await new Promise<void>((r) => client.end(false, {}, () => r()));
      db.close();
    },
  };
}
