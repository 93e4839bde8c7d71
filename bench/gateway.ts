/**
 * The gateway's throughput and latency (issue 5, "Measured"): verified readings relayed per
 * second through the whole pipeline (serial line → decode → chain and signature → SQLite
 * commit → ack → QoS 1 publish → PUBACK) with aedes on loopback, beside its two bounds
 * measured in the same run: bare node:crypto Ed25519 verifies per second and bare MQTT QoS 1
 * publishes per second (same broker, same payload size, same window of 256 in flight).
 * The gateway checks signatures on a worker thread (verifyThread, on by default with two
 * cores); the same burst through a gateway that verifies on its event loop is measured beside
 * it. Then frame-in → PUBACK latency p50/p99 at a steady 1,000 and 3,000 readings per second.
 */
import { createPrivateKey, randomBytes, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import mqtt from "mqtt";
import { encodePublicKey } from "../shared/crypto/strkey";
import { publicKeyFromSeed } from "../shared/crypto/ed25519";
import { encodeFrame, encodeUplinkLine, LineParser } from "../shared/protocol/frame";
import { encodeReading, readingHash, readingSigningInput } from "../shared/protocol/reading";
import { nodeVerifier } from "../host/crypto/node-verifier";
import { encodeReadingPayload } from "../host/protocol/mqtt-payload";
import { startEmbeddedBroker } from "../host/gateway/broker-embedded";
import { defaultConfig } from "../host/gateway/config";
import { startGateway } from "../host/gateway/gateway";
import { noDelay } from "../host/gateway/mqtt-connect";
import type { LinkContext } from "../host/gateway/pipeline";
import type { Row } from "./harness";

const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const WINDOW = 256;

/** `n` signed, chained readings of one fresh device, as uplink lines. */
function makeReadings(n: number): { id: string; lines: string[]; frames: Uint8Array[] } {
  const seed = new Uint8Array(randomBytes(32));
  const pk = publicKeyFromSeed(seed);
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, Buffer.from(seed)]), format: "der", type: "pkcs8" });
  let prev: Uint8Array = new Uint8Array(32);
  const frames: Uint8Array[] = [];
  for (let seq = 0; seq < n; seq++) {
    const bytes = encodeReading({ flags: 0, timeQuality: 1, relay: 1, outbox: 0, deviceId: pk, seq, dropped: 0, time: 1767225600 + seq, uptime: seq, boot: 1,
      interval: 1, energyIn: seq * 10, energyOut: 0, power: 36_000, credit: 86400, prev });
    prev = readingHash(bytes);
    frames.push(encodeFrame(bytes, new Uint8Array(sign(null, readingSigningInput(bytes), key))));
  }
  return { id: encodePublicKey(pk), lines: frames.map((f) => encodeUplinkLine(f)), frames };
}

function verifiesPerSecond(frames: Uint8Array[]): number {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1000) {
    const f = frames[n % frames.length];
    if (!nodeVerifier.verify(readingSigningInput(f.subarray(0, 120)), f.subarray(120), f.subarray(8, 40))) throw new Error("bad signature");
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

/** QoS 1 publishes acknowledged per second, `WINDOW` in flight, TCP_NODELAY on. */
async function publishesPerSecond(url: string, payloads: string[], topic: string): Promise<number> {
  const c = mqtt.connect(url, { clean: true });
  noDelay(c);
  await new Promise<void>((r) => c.once("connect", () => r()));
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    let acked = 0;
    const more = () => {
      while (sent < payloads.length && sent - acked < WINDOW) {
        c.publish(topic, payloads[sent++], { qos: 1 }, () => {
          if (++acked === payloads.length) resolve();
          else more();
        });
      }
    };
    more();
  });
  const rate = (payloads.length * 1000) / (performance.now() - start);
  await new Promise<void>((r) => c.end(false, {}, () => r()));
  return rate;
}

/**
 * The disk's own floor under the latency: p50/p99 of fdatasync after appending one commit's
 * worth (4 KiB) to a file in the gateway's folder, one every millisecond — what every reading
 * waits for before its ack and its publish (wal-sync.ts), measured beside the pipeline.
 */
async function syncLatency(dir: string, n = 1000): Promise<{ p50: number; p99: number }> {
  const f = await open(join(dir, "sync-probe"), "a");
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      await f.write(block);
      const t = performance.now();
      await f.datasync();
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    await f.close();
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n * 0.5)], p99: times[Math.floor(n * 0.99)] };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("bench: gateway did not drain in time");
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function gatewayRows(): Promise<Row[]> {
  const N = 10_000;
  const dir = mkdtempSync(join(tmpdir(), "solkit-bench-gw-"));
  const broker = await startEmbeddedBroker("127.0.0.1", 0);
  const logger = { log: () => {} };
  const gw = await startGateway({ ...defaultConfig(dir), site: "bench", devices: { none: true },
    upstream: { url: broker.url, username: broker.gateway.username, password: broker.gateway.password, rejectUnauthorized: true },
    serial: { discover: false, ports: [], retryMs: 1000 }, health: { enabled: false, host: "127.0.0.1", port: 0 },
    verifyThread: process.env.BENCH_VERIFY_THREAD === undefined ? undefined : process.env.BENCH_VERIFY_THREAD === "1" }, { logger });
  try {
    const dev = makeReadings(N + 12_000);
    gw.registry.add({ id: dev.id, hmacKey: new Uint8Array(randomBytes(32)) });
    const verifies = verifiesPerSecond(dev.frames.slice(0, 1000));
    const payloads = dev.frames.slice(0, N).map((f) => encodeReadingPayload(f));
    const publishes = await publishesPerSecond(broker.url, payloads, `solkit/v1/bench/${dev.id}/reading`);
    await until(() => gw.upstream.connected, 10_000);
    const link: LinkContext = { name: "serial:bench", relay: true, sendAck: () => {} };
    const parser = new LineParser();
    const feed = (line: string) => {
      for (const ev of parser.push(line)) if (ev.frame) gw.pipeline.submit(ev.frame, link);
    };

    // Throughput: everything at once, timed until the last PUBACK removed the last spool row.
    const published = () => gw.metrics.total("solkit_upstream_published_total");
    const t0 = performance.now();
    for (let i = 0; i < N; i++) feed(dev.lines[i]);
    await until(() => gw.metrics.total("solkit_readings_verified_total") >= N, 120_000);
    const tVerified = performance.now();
    await until(() => published() >= N, 120_000);
    if (process.env.BENCH_DEBUG) console.error(`verified+stored in ${(tVerified - t0).toFixed(0)} ms, published by ${(performance.now() - t0).toFixed(0)} ms`);
    const relayed = (N * 1000) / (performance.now() - t0);

    // Latency at a steady rate for 3 s: frames fed as they fall due, every millisecond.
    let used = N;
    const steady = async (rate: number): Promise<{ p50: number; p99: number }> => {
      await new Promise((r) => setTimeout(r, 300)); // the previous phase's deletes and GC settle
      gw.metrics.resetLatency();
      const lines = dev.lines.slice(used, used + rate * 3);
      used += lines.length;
      const start = performance.now();
      let sent = 0;
      while (sent < lines.length) {
        const due = Math.min(lines.length, Math.floor(((performance.now() - start) * rate) / 1000));
        while (sent < due) feed(lines[sent++]);
        await new Promise((r) => setTimeout(r, 1));
      }
      await until(() => published() >= used, 60_000);
      return { p50: gw.metrics.latencyQuantile(0.5), p99: gw.metrics.latencyQuantile(0.99) };
    };
    const at1k = await steady(1000);
    const at3k = await steady(3000);
    const disk = await syncLatency(dir);
    // The same burst into a second gateway that verifies on its event loop (verifyThread off).
    const dir2 = mkdtempSync(join(tmpdir(), "solkit-bench-gw1-"));
    const gw1 = await startGateway({ ...defaultConfig(dir2), site: "bench1", devices: { none: true },
      upstream: { url: broker.url, username: broker.gateway.username, password: broker.gateway.password, rejectUnauthorized: true },
      serial: { discover: false, ports: [], retryMs: 1000 }, health: { enabled: false, host: "127.0.0.1", port: 0 }, verifyThread: false }, { logger });
    let relayed1 = 0;
    try {
      gw1.registry.add({ id: dev.id, hmacKey: new Uint8Array(randomBytes(32)) });
      await until(() => gw1.upstream.connected, 10_000);
      const parser1 = new LineParser();
      const t1 = performance.now();
      for (let i = 0; i < N; i++) for (const ev of parser1.push(dev.lines[i])) if (ev.frame) gw1.pipeline.submit(ev.frame, link);
      await until(() => gw1.metrics.total("solkit_upstream_published_total") >= N, 120_000);
      relayed1 = (N * 1000) / (performance.now() - t1);
    } finally {
      await gw1.stop();
      rmSync(dir2, { recursive: true, force: true });
    }
    const bound = Math.min(verifies, publishes);
    const s = "gateway";
    return [
      { section: s, name: "node:crypto Ed25519 verify (bound a)", value: verifies, unit: "ops/s" },
      { section: s, name: "MQTT QoS 1 publish, aedes loopback (bound b)", value: publishes, unit: "msgs/s", note: `${payloads[0].length}-byte payloads, ${WINDOW} in flight` },
      { section: s, name: "readings relayed through the pipeline", value: relayed, unit: "readings/s", ratio: relayed / bound,
        note: `ratio to the slower bound (aim ≥ 0.7); ${(relayed / verifies).toFixed(2)}x of a, ${(relayed / publishes).toFixed(2)}x of b; broker in-process; signatures on the verify thread` },
      { section: s, name: "readings relayed, verifying on the event loop (verifyThread off)", value: relayed1, unit: "readings/s", ratio: relayed1 / bound, note: "what one core gives" },
      { section: s, name: "fdatasync of a 4 KiB append, p50 (bound c: the disk)", value: disk.p50, unit: "ms", note: "one a millisecond, in the database's folder: no reading is acked or published before its commit is synced" },
      { section: s, name: "fdatasync of a 4 KiB append, p99", value: disk.p99, unit: "ms" },
      { section: s, name: "frame in → PUBACK p50 at 1,000 readings/s", value: at1k.p50, unit: "ms" },
      { section: s, name: "frame in → PUBACK p99 at 1,000 readings/s", value: at1k.p99, unit: "ms", note: "aim ≤ 5; group commit, the WAL synced off the event loop before the acks (wal-sync.ts); the tail is young-GC pauses (--trace-gc-nvp)" },
      { section: s, name: "frame in → PUBACK p50 at 3,000 readings/s", value: at3k.p50, unit: "ms" },
      { section: s, name: "frame in → PUBACK p99 at 3,000 readings/s", value: at3k.p99, unit: "ms", note: "aim ≤ 20" },
    ];
  } finally {
    await gw.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/gateway.ts` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable } = await import("./harness");
  printTable(await gatewayRows());
}
