/**
 * A NodeMCU board on Wi-Fi: the nodemcu-esp32 bundle in real lua5.3, its wifi and mqtt modules
 * emulated around real MQTT connections (simulator/lua/nodemcu-mqtt.ts), against a real
 * gateway's broker and against Mosquitto. Provisioned over its REPL and given the network with
 * solkit.setNet, it logs in as itself, its readings are verified by the gateway, acks and
 * credit tokens come down its cmd topic, and an outage loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import mqtt from "mqtt";
import { loadBoard } from "../../../boards/validate";
import type { Gateway } from "../../../host/gateway/gateway";
import type { VerifiedBatch } from "../../../host/gateway/pipeline";
import { encodeCmdPayload } from "../../../host/protocol/mqtt-payload";
import { NodeMcuBoard } from "../../../simulator/lua/nodemcu-board";
import { ensureFirmware } from "../../../simulator/scenario/artifact";
import { decodePublicKey } from "../../../shared/crypto/strkey";
import { buildTopic } from "../../../shared/protocol/topics";
import { encodeToken, TOKEN_ADD_CREDIT } from "../../../shared/protocol/token";
import { Mosquitto, networkGateway, tempDir } from "../../host/gateway/helpers";

const SITE = "mcu-site";
const WIFI = { ssid: "solar-lab", password: "sunny-day-42" };
const mcu = loadBoard("nodemcu-esp32");

/** Virtual time on in steps, with the real event loop between them (the broker is real). */
async function runUntil(b: NodeMcuBoard, cond: () => boolean, what: string, maxVirtualMs = 300_000): Promise<void> {
  const end = b.now + maxVirtualMs;
  while (!cond()) {
    if (b.now >= end) throw new Error(`no ${what} within ${maxVirtualMs / 1000} s of board time; its console: ${said.get(b)?.slice(-600)}`);
    b.advance(250);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const said = new WeakMap<NodeMcuBoard, string>();

/** A board with firmware, its console recorded, provisioned; returns its id and host key. */
async function provisioned(opts: { wifi?: { ssid: string; password: string } } = { wifi: WIFI }): Promise<{ b: NodeMcuBoard; id: string; hmacKey: Uint8Array }> {
  const b = new NodeMcuBoard(mcu, (await ensureFirmware(mcu.id)).code, 11, opts);
  said.set(b, "");
  b.onConsoleOutput((t) => said.set(b, (said.get(b)! + t).slice(-4000)));
  b.powerOn();
  const id = b.repl(`print(solkit.provisionKey(false, "${randomBytes(32).toString("hex")}"))`).split("\n").pop()!;
  expect(id).toMatch(/^G[A-Z2-7]{55}$/);
  const hmacKey = new Uint8Array(randomBytes(32));
  b.repl(`solkit.setHostKey("${Buffer.from(hmacKey).toString("hex")}")`);
  expect(b.repl(`print(solkit.setSite("${SITE}"))`)).toBe("ok");
  b.repl("solkit.setConfig(5, 1)"); // a reading every 5 s, each signed
  return { b, id, hmacKey };
}

const portOf = (url: string): number => Number(new URL(url).port);

describe("a NodeMCU board on Wi-Fi, against a real gateway", () => {
  let dir: string;
  let gw: Gateway;
  let batches: VerifiedBatch[] = [];
  const verified = (id: string) => batches.filter((v) => v.device === id).flatMap((v) => v.readings.map((r) => r.reading));

  beforeAll(async () => {
    dir = tempDir("solkit-mcu-mqtt-");
    const started = await networkGateway(dir, SITE);
    gw = started.gw;
    batches = started.batches;
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
  });

  it("logs in as itself, its readings are verified, acks come down the cmd topic, and a Wi-Fi outage loses nothing", async () => {
    const { b, id, hmacKey } = await provisioned();
    try {
      gw.registry.add({ id, hmacKey, board: mcu.id, repl: "nodemcu", name: "mcu" });
      expect(b.repl(`print(solkit.setNet("${WIFI.ssid}", "${WIFI.password}", "127.0.0.1", ${portOf(gw.brokerUrl!)}))`).split("\n")).toEqual([`link: joining wifi "${WIFI.ssid}"`, `link: wifi "${WIFI.ssid}", broker 127.0.0.1:${portOf(gw.brokerUrl!)}`]);
      await runUntil(b, () => said.get(b)!.includes("link: logged in to 127.0.0.1"), "MQTT login");
      await runUntil(b, () => verified(id).length >= 3, "three verified readings");
      await runUntil(b, () => /last ack: seq \d+/.test(b.repl("solkit.status()")), "an ack over the cmd topic");
      expect(b.repl("solkit.status()")).toMatch(/link: up \(mqtt 127\.0\.0\.1:\d+ via wifi "solar-lab": logged in\)/);
      // Nothing went the serial way: no frame on the console.
      expect(said.get(b)).not.toContain("@SK1:");

      b.setNetworkUp(false);
      const before = verified(id).length;
      b.advance(60_000); // a minute without Wi-Fi: twelve readings wait in the outbox
      await new Promise((r) => setTimeout(r, 200));
      expect(verified(id).length).toBe(before);
      expect(b.repl("solkit.status()")).toMatch(/link: down \(mqtt .*: no wifi\)/);
      const newest = Number(/newest seq (\d+)/.exec(b.repl("solkit.status()"))![1]);

      b.setNetworkUp(true);
      await runUntil(b, () => verified(id).some((r) => r.seq >= newest), "the readings of the outage");
      const seqs = verified(id).map((r) => r.seq);
      const all = [...new Set(seqs)].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => all[0] + i)); // none lost
    } finally {
      b.dispose();
    }
  }, 120_000);

  it("a device the registry does not hold is refused at login, and its readings stay in the outbox", async () => {
    const { b } = await provisioned();
    try {
      b.repl(`solkit.setNet("${WIFI.ssid}", "${WIFI.password}", "127.0.0.1", ${portOf(gw.brokerUrl!)})`);
      await runUntil(b, () => said.get(b)!.includes("refused the login"), "the broker's refusal");
      expect(said.get(b)).toMatch(/link: broker 127\.0\.0\.1:\d+ refused the login \([45]\): is the device in the gateway's registry\?/);
      expect(b.repl("solkit.status()")).toMatch(/link: down/);
    } finally {
      b.dispose();
    }
  }, 120_000);
});

describe("a NodeMCU board on Wi-Fi, against Mosquitto", () => {
  const broker = new Mosquitto();
  beforeAll(() => broker.start(), 30_000);
  afterAll(() => broker.dispose());

  it("takes a credit token from its cmd topic (the relay closes), says online and leaves its will when the Wi-Fi goes", async () => {
    const { b, id, hmacKey } = await provisioned();
    const watcher = mqtt.connect(broker.url, { reconnectPeriod: 0 });
    const status: string[] = [];
    try {
      await new Promise<void>((r) => watcher.on("connect", () => r()));
      watcher.on("message", (t, p) => {
        if (t === buildTopic(SITE, id, "status")) status.push(p.toString());
      });
      await watcher.subscribeAsync(buildTopic(SITE, id, "status"), { qos: 1 });
      b.repl(`solkit.setNet("${WIFI.ssid}", "${WIFI.password}", "127.0.0.1", ${broker.port})`);
      await runUntil(b, () => status.includes("online"), "its retained online status");
      expect(b.pinLevel("GPIO26")).toBe(0); // no credit yet: the load is off

      const token = encodeToken({ tokenKind: TOKEN_ADD_CREDIT, deviceId: decodePublicKey(id), counter: 1, amount: 3600, config: [] }, hmacKey);
      await watcher.publishAsync(buildTopic(SITE, id, "cmd"), encodeCmdPayload(token), { qos: 1 });
      await runUntil(b, () => b.pinLevel("GPIO26") === 1, "the relay closed by the token");
      expect(b.repl("solkit.status()")).toMatch(/credit: \d+ s left/);

      b.setNetworkUp(false);
      await runUntil(b, () => status.at(-1) === "offline", "its will, published by the broker");
      expect(b.pinLevel("GPIO26")).toBe(1); // offline is not out of credit
    } finally {
      watcher.end(true);
      b.dispose();
    }
  }, 120_000);

  it("with a wrong Wi-Fi passphrase it never gets an address: status says so, nothing is lost", async () => {
    const { b } = await provisioned();
    try {
      b.repl(`solkit.setNet("${WIFI.ssid}", "not-the-passphrase", "127.0.0.1", ${broker.port})`);
      b.advance(30_000);
      expect(b.repl("solkit.status()")).toMatch(/link: down \(mqtt 127\.0\.0\.1:\d+ via wifi "solar-lab": no wifi\)/);
      expect(b.repl("solkit.status()")).toMatch(/outbox: [1-9]\d* unacked/);
    } finally {
      b.dispose();
    }
  }, 60_000);
});
