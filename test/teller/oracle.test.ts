/**
 * The price oracle (issue 12): prices from an HTTP URL or an MQTT topic, kept with their time;
 * a bill prices each reading at the oracle's price in force when it was measured, and past the
 * staleness limit at the tariff's, saying so. Bad messages and a failing URL change nothing.
 * And the teller section's validation: every problem with its path, thresholds that nest.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { rmSync } from "node:fs";
import mqtt from "mqtt";
import { PriceOracle, parsePriceMessage } from "../../host/teller/oracle";
import { parseTellerConfig } from "../../host/teller/teller-config";
import { startEmbeddedBroker } from "../../host/gateway/broker-embedded";
import { MemoryLogger } from "../../host/gateway/log";
import type { Tariff } from "../../host/teller/tariff";
import type { Statement } from "../../host/teller/statement";
import { billedWorld, XLM } from "./fixture";

const TARIFF: Tariff = { asset: "native", pricePerDay: XLM, pricePerKwh: 2n * XLM / 10n, bands: [] };
const JAN_1 = 1767225600;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function until(pred: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => (pred() ? resolve() : Date.now() - t0 > 10_000 ? reject(new Error(`timed out waiting for ${what}`)) : setTimeout(tick, 20));
    tick();
  });
}

describe("the price oracle", () => {
  it("bills each reading at the oracle's price when it was measured, at the tariff's once the price is stale", async () => {
    const w = await billedWorld();
    cleanups.push(() => rmSync(w.dir, { recursive: true, force: true }));
    let body = JSON.stringify({ pricePerKwh: "0.35", time: JAN_1 });
    let status = 200;
    const server: Server = createServer((_q, res) => res.writeHead(status).end(body));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const log = new MemoryLogger();
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/price`;
    const oracle = new PriceOracle(w.db, TARIFF, { url, maxAgeS: 12 * 3600, pollMs: 50, maxPrice: 2n * XLM }, log, () => JAN_1 + 26 * 3600);
    oracle.start();
    cleanups.push(() => oracle.stop());
    await until(() => oracle.priceAt(JAN_1 + 60).pricePerKwh === 35n * XLM / 100n, "the first price");
    status = 500;
    await until(() => log.find("teller", "HTTP 500").length > 0, "the failure to be logged");
    status = 200;
    body = "{\"pricePerKwh\": \"cheap\"}";
    await until(() => log.find("teller", "not a price message").length > 0, "the bad message to be logged");
    body = JSON.stringify({ pricePerKwh: "500", time: JAN_1 + 60 }); // whoever answers for the URL must not set any price
    await until(() => log.find("teller", "price 500.0000000 a kWh is above the limit 2.0000000").length > 0, "the price over the limit to be refused");
    expect(oracle.priceAt(JAN_1 + 11 * 3600)).toEqual({ pricePerKwh: 35n * XLM / 100n, source: `oracle ${url}`, at: JAN_1 });
    expect(oracle.priceAt(JAN_1 + 13 * 3600)).toMatchObject({ pricePerKwh: 2n * XLM / 10n, source: `fixed (oracle stale: last price at ${JAN_1})` });
    oracle.stop();

    const t = w.make(w.ledger, { priceAt: (s) => oracle.priceAt(s) });
    await t.poll();
    const st = JSON.parse(t.bills()[0].statement) as Statement;
    // Readings 1..720 (one a minute to 12:00, the limit itself included) at 0.35; 721..1439 at 0.2
    // (seq 0 is the baseline); each kWh at the price when it was measured.
    expect(st.prices).toEqual([
      { source: `oracle ${url}`, pricePerKwh: "0.3500000", at: JAN_1, energyMwh: 720_000 },
      { source: `fixed (oracle stale: last price at ${JAN_1})`, pricePerKwh: "0.2000000", at: JAN_1 + 721 * 60, energyMwh: 719_000 },
    ]);
    expect(st.bill).toBe("0.3958000"); // 0.72 × 0.35 + 0.719 × 0.2
  });

  it("takes prices from an MQTT topic", async () => {
    const w = await billedWorld();
    cleanups.push(() => rmSync(w.dir, { recursive: true, force: true }));
    const broker = await startEmbeddedBroker("127.0.0.1", 0);
    cleanups.push(() => broker.close());
    const oracle = new PriceOracle(w.db, TARIFF, { broker: broker.url, topic: "site/price", maxAgeS: 3600, maxPrice: 2n * XLM }, new MemoryLogger(), () => JAN_1 + 100);
    oracle.start();
    cleanups.push(() => oracle.stop());
    const pub = mqtt.connect(broker.url, { username: broker.gateway.username, password: broker.gateway.password });
    cleanups.push(() => pub.end(true));
    await until(() => pub.connected, "the publisher");
    const send = setInterval(() => pub.publish("site/price", JSON.stringify({ pricePerKwh: 0.5, time: JAN_1 + 50 })), 50);
    cleanups.push(() => clearInterval(send));
    await until(() => oracle.priceAt(JAN_1 + 60).pricePerKwh === 5n * XLM / 10n, "the price from the topic");
    expect(oracle.priceAt(JAN_1 + 60).source).toBe("oracle mqtt site/price");
  });

  it("reads only well-formed price messages", () => {
    expect(parsePriceMessage('{"pricePerKwh":"0.21","time":100}', 200)).toEqual({ price: 2_100_000n, at: 100 });
    expect(parsePriceMessage('{"pricePerKwh":0.21}', 200)).toEqual({ price: 2_100_000n, at: 200 });
    for (const bad of ["", "[]", '{"pricePerKwh":"-1"}', '{"pricePerKwh":"1e3"}', '{"pricePerKwh":"0.1","time":9999}', '{"pricePerKwh":"0.1","time":1.5}']) {
      expect(parsePriceMessage(bad, 200)).toBeUndefined();
    }
  });
});

describe("the teller section", () => {
  const parse = (raw: Record<string, unknown>) => {
    const errors: string[] = [];
    const cfg = parseTellerConfig({ project: "GCEZWKCA5VLDNRLN3RPRJMRZOX3Z6G5CHCGSNFHEYVXM3XOJMDS674JZ", pricePerDay: "1", ...raw }, "/tmp", (p, m) => errors.push(`${p}: ${m}`));
    return { cfg, errors };
  };

  it("has defaults: prepaid, a month, 3 days' grace, notice at 2 days, reminder at 6 hours", () => {
    const { cfg, errors } = parse({});
    expect(errors).toEqual([]);
    expect(cfg).toMatchObject({ mode: "prepaid", period: { kind: "month" }, graceS: 3 * 86400, noticeS: 2 * 86400, reminderS: 6 * 3600, autopay: {} });
  });

  it("lists every problem with its path; thresholds must nest", () => {
    const { errors } = parse({
      mode: "credit", period: "fortnight", reminderHours: 72, noticeDays: 2, autopay: { nobody: "Alice" },
      price: { url: "ftp://x" }, instalment: "lots",
    });
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\$\.teller\.mode: expected "prepaid" or "postpaid"/),
      expect.stringMatching(/^\$\.teller\.period: expected "month" or a number of days/),
      expect.stringMatching(/^\$\.teller\.reminderHours: the reminder \(72 h before the end\) must come after the notice/),
      expect.stringMatching(/^\$\.teller\.autopay\.nobody: expected a device id/),
      expect.stringMatching(/^\$\.teller\.autopay\.nobody: expected a keystore name/),
      expect.stringMatching(/^\$\.teller\.autopay: autopay pays bills: it needs "mode": "postpaid"/),
      expect.stringMatching(/^\$\.teller\.price: expected "url"/),
      expect.stringMatching(/^\$\.teller\.instalment: expected an amount/),
    ]));
    expect(parse({ horizon: { url: "https://horizon-testnet.stellar.org", network: "testnet" } })).toMatchObject({ errors: [], cfg: { horizon: { url: "https://horizon-testnet.stellar.org", network: "testnet" } } });
    expect(parse({ ledger: "l.db", horizon: { url: "http://horizon.example.org", network: "" } }).errors).toEqual([
      expect.stringMatching(/^\$\.teller\.horizon\.url: expected Horizon's https:\/\/ URL/),
      expect.stringMatching(/^\$\.teller\.horizon\.network: expected "testnet", "public" or a network passphrase/),
      expect.stringMatching(/^\$\.teller\.ledger: give either a local ledger file or horizon, not both/),
    ]);
    expect(parse({ mode: "postpaid", graceDays: 1, noticeDays: 2 }).errors).toEqual([expect.stringMatching(/^\$\.teller\.noticeDays: postpaid: the notice \(2 days before the end\) must fall within the grace period/)]);
  });
});
