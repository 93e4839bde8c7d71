/**
 * Fleet consumers on a shared subscription (issue 15), as processes against Debian's Mosquitto 2:
 * with two and with three `solkit consume` processes in one group, every reading published is
 * stored exactly once in the shared store, readings published twice are stored once, the load is
 * shared, and a consumer killed (SIGKILL) mid-stream and restarted with its id loses nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import mqtt from "mqtt";
import { readingPayloadJson } from "../../../shared/protocol/payload";
import { Mosquitto, TestDevice, tempDir } from "../gateway/helpers";

const BIN = join(__dirname, "..", "..", "..", "bin", "solkit.mjs");
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function consumer(url: string, id: string, db: string): { p: ChildProcess; ready: Promise<void>; out: () => string } {
  const p = spawn(process.execPath, [BIN, "consume", "--broker", url, "--group", "billing", "--id", id, "--db", db], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  p.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  p.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  cleanups.push(() => p.kill("SIGKILL"));
  const ready = new Promise<void>((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => (/consuming \$share\/billing\//.test(out) ? resolve() : Date.now() - t0 > 20_000 ? reject(new Error(`${id} did not start:\n${out}`)) : setTimeout(tick, 50));
    tick();
  });
  return { p, ready, out: () => out };
}

describe("solkit consume on a shared subscription", () => {
  it.each([2, 3])("%i consumers: every reading stored once, duplicates once, a killed consumer loses nothing", async (n) => {
    const broker = new Mosquitto();
    await broker.start();
    cleanups.push(() => broker.stop());
    const dir = tempDir("solkit-fleet-");
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const db = join(dir, "fleet.db");
    const cs = Array.from({ length: n }, (_, i) => consumer(broker.url, `c${i + 1}`, db));
    await Promise.all(cs.map((c) => c.ready));

    const pub = mqtt.connect(broker.url, { clientId: "site-gateway", protocolVersion: 5 });
    cleanups.push(() => pub.end(true));
    await new Promise((r) => pub.once("connect", r));
    const devices = [new TestDevice(), new TestDevice(), new TestDevice()];
    const messages: { topic: string; payload: string }[] = [];
    for (let i = 0; i < 1000; i++) for (const d of devices) messages.push({ topic: `solkit/v1/site-${i % 7}/${d.id}/reading`, payload: readingPayloadJson(d.next()) });
    const total = messages.length;
    // At-least-once from the sites too: 300 readings come a second time (a gateway re-sending after a reconnect).
    for (let i = 0; i < 300; i++) messages.push(messages[i * 7]);
    let victim = cs[1];
    for (const [i, m] of messages.entries()) {
      await pub.publishAsync(m.topic, m.payload, { qos: 1 });
      if (i === 1200) {
        expect(victim.p.exitCode).toBeNull();
        const gone = new Promise((r) => victim.p.once("exit", r));
        victim.p.kill("SIGKILL"); // mid-stream, some messages in its hands unacked
        await gone;
      }
      if (i === 2400) {
        victim = consumer(broker.url, "c2", db); // back with its id: its session's messages come to it
        cs[1] = victim;
        await victim.ready;
      }
    }
    const store = new Database(db, { readonly: true });
    cleanups.push(() => store.close());
    const t0 = Date.now();
    const stored = () => (store.prepare("SELECT COUNT(*) AS n FROM fleet_readings").get() as { n: number }).n;
    while (stored() < total && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500)); // anything still arriving would be a duplicate: let it land
    expect(stored()).toBe(total);
    const per = store.prepare("SELECT consumer, stored, duplicates, refused FROM fleet_consumers ORDER BY consumer").all() as { consumer: string; stored: number; duplicates: number; refused: number }[];
    expect(per.reduce((s, c) => s + c.stored, 0)).toBe(total); // each reading stored by exactly one consumer, once
    expect(per.reduce((s, c) => s + c.duplicates, 0)).toBeGreaterThanOrEqual(300);
    expect(per.every((c) => c.stored > 100 && c.refused === 0)).toBe(true); // the load was shared
    const seqs = store.prepare("SELECT device, COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM fleet_readings GROUP BY device").all() as { n: number; lo: number; hi: number }[];
    expect(seqs.map((s) => [s.n, s.lo, s.hi])).toEqual([[1000, 0, 999], [1000, 0, 999], [1000, 0, 999]]);
    for (const c of cs) c.p.kill("SIGTERM");
    const codes = await Promise.all(cs.map((c) => (c.p.exitCode !== null ? c.p.exitCode : new Promise((r) => c.p.once("exit", r)))));
    expect(codes).toEqual(cs.map(() => 0));
  }, 120_000);
});
