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
import { checkBrokerCa } from "../../../shared/protocol/net-config";
import { encodeToken, TOKEN_ADD_CREDIT } from "../../../shared/protocol/token";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { luaString } from "../../../flash/nodemcu-repl";
import { makeTlsCerts, Mosquitto, networkGateway, tempDir } from "../../host/gateway/helpers";

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

/** The broker's CA typed in parts as `solkit provision --broker-ca` types it; then setNet with its hash. */
function setNetTls(b: NodeMcuBoard, port: number, pem: string, hash = createHash("sha256").update(pem).digest("hex")): string {
  for (let at = 0; at < pem.length; at += 120) b.repl(`solkit.caAdd(${luaString(pem.slice(at, at + 120))})`);
  return b.repl(`print(solkit.setNet("${WIFI.ssid}", "${WIFI.password}", "127.0.0.1", ${port}, "${hash}"))`).split("\n").pop()!;
}

describe("a NodeMCU board on Wi-Fi over TLS, against a gateway whose broker has a certificate", () => {
  let dir: string;
  let gw: Gateway;
  let batches: VerifiedBatch[] = [];
  let ca: string;
  let otherCa: string;
  const connected: string[] = [];
  const verified = (id: string) => batches.filter((v) => v.device === id).flatMap((v) => v.readings.map((r) => r.reading));

  beforeAll(async () => {
    dir = tempDir("solkit-mcu-tls-");
    const certs = makeTlsCerts(dir);
    ca = readFileSync(certs.ca, "latin1");
    mkdirSync(join(dir, "other"));
    otherCa = readFileSync(makeTlsCerts(join(dir, "other"), "someone-else").ca, "latin1");
    const started = await networkGateway(dir, SITE, { cert: certs.cert, key: certs.key });
    gw = started.gw;
    batches = started.batches;
    gw.events.setMaxListeners(60);
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
  });

  it("keeps the CA, logs in over TLS only, its readings are verified; strangers on the TLS port see nothing", async () => {
    expect(gw.deviceBrokerUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const port = portOf(gw.deviceBrokerUrl!);
    const { b, id, hmacKey } = await provisioned();
    try {
      gw.registry.add({ id, hmacKey, board: mcu.id, repl: "nodemcu", name: "mcu-tls" });
      expect(setNetTls(b, port, ca)).toBe(`link: wifi "${WIFI.ssid}", broker 127.0.0.1:${port} (TLS)`);
      // The file holds the PEM and its SHA-256: a cut mid-write is caught at the next start.
      const kept = b.readFile("sk.ca")!;
      expect(Buffer.from(kept.subarray(0, kept.length - 32)).toString("latin1")).toBe(ca);
      await runUntil(b, () => said.get(b)!.includes("link: logged in to 127.0.0.1"), "MQTT login over TLS");
      expect(said.get(b)).toMatch(/logged in to 127\.0\.0\.1:\d+ \(TLS\)/);
      await runUntil(b, () => verified(id).length >= 3, "three verified readings");
      expect(b.repl("solkit.status()")).toMatch(/link: up \(mqtts 127\.0\.0\.1:\d+ via wifi "solar-lab": logged in\)/);

      // Plain MQTT on the TLS port gets nowhere; an anonymous watcher over TLS is refused there.
      const plain = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 3000 });
      await expect(new Promise((res, rej) => { plain.once("connect", res); plain.once("error", rej); plain.once("close", () => rej(new Error("closed"))); })).rejects.toThrow();
      plain.end(true);
      const anon = mqtt.connect(`mqtts://127.0.0.1:${port}`, { reconnectPeriod: 0, ca });
      await expect(new Promise((res, rej) => { anon.once("connect", res); anon.once("error", rej); })).rejects.toThrow(/Not authorized|only devices/i);
      anon.end(true);
      // The same watcher is welcome on the loopback listener the gateway itself uses.
      const local = mqtt.connect(gw.brokerUrl!, { reconnectPeriod: 0 });
      await new Promise<void>((res, rej) => { local.once("connect", () => res()); local.once("error", rej); });
      local.end(true);
    } finally {
      b.dispose();
    }
  }, 120_000);

  it("a broker whose certificate is not from the device's CA never sees its login; the right CA then delivers every reading", async () => {
    const port = portOf(gw.deviceBrokerUrl!);
    const { b, id, hmacKey } = await provisioned();
    // Every client the broker lets in, as aedes announces it ($SYS/<broker>/new/clients, after a CONNECT).
    const watcher = mqtt.connect(gw.brokerUrl!, { reconnectPeriod: 0 });
    await new Promise<void>((r) => watcher.once("connect", () => r()));
    watcher.on("message", (_t, p) => connected.push(p.toString()));
    await watcher.subscribeAsync("$SYS/+/new/clients", { qos: 0 });
    try {
      gw.registry.add({ id, hmacKey, board: mcu.id, repl: "nodemcu", name: "mcu-wrong-ca" });
      expect(setNetTls(b, port, otherCa)).toMatch(/\(TLS\)$/);
      await runUntil(b, () => said.get(b)!.includes("its certificate is not from the CA this device keeps"), "the TLS refusal");
      b.advance(60_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(verified(id)).toEqual([]);
      expect(connected).not.toContain(id);
      expect(b.repl("solkit.status()")).toMatch(/link: down \(mqtts/);

      // A part lost on the cable: the hash does not match and nothing changes.
      expect(setNetTls(b, port, ca.slice(0, 200), createHash("sha256").update(ca).digest("hex"))).toMatch(/^error: broker CA: its SHA-256/);
      expect(setNetTls(b, port, ca)).toMatch(/\(TLS\)$/);
      await runUntil(b, () => said.get(b)!.includes("link: logged in to 127.0.0.1"), "MQTT login with the right CA");
      const newest = Number(/newest seq (\d+)/.exec(b.repl("solkit.status()"))![1]);
      await runUntil(b, () => verified(id).some((r) => r.seq >= newest), "the readings made while the CA was wrong");
      const seqs = [...new Set(verified(id).map((r) => r.seq))].sort((x, y) => x - y);
      expect(seqs[0]).toBe(0);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i)); // none lost
      expect(connected).toContain(id);
    } finally {
      watcher.end(true);
      b.dispose();
    }
  }, 180_000);

  it("a damaged CA file (a cut mid-write) is no CA: the board says so at its next start and does not fall back to plain MQTT", async () => {
    const port = portOf(gw.deviceBrokerUrl!);
    const { b, id, hmacKey } = await provisioned();
    try {
      gw.registry.add({ id, hmacKey, board: mcu.id, repl: "nodemcu", name: "mcu-cut" });
      expect(setNetTls(b, port, ca)).toMatch(/\(TLS\)$/);
      const kept = b.readFile("sk.ca")!;
      b.putFile("sk.ca", kept.subarray(0, 300)); // what a cut leaves: a prefix
      b.powerOff();
      said.set(b, "");
      b.powerOn();
      await runUntil(b, () => said.get(b)!.includes("no valid CA kept"), "the missing CA");
      expect(said.get(b)).toContain("provision again with --broker-ca");
      expect(said.get(b)).not.toContain("logged in");
    } finally {
      b.dispose();
    }
  }, 120_000);

  it("the host's checks: the CA must be one PEM certificate of printable ASCII", () => {
    expect(() => checkBrokerCa("hello")).toThrow(/expected a PEM certificate/);
    expect(() => checkBrokerCa(ca.replace("\n", "\u00e9\n"))).toThrow(/character \d+ is neither printable ASCII/);
    expect(() => checkBrokerCa(ca + "x".repeat(5000))).toThrow(/at most 4096/);
    expect(() => checkBrokerCa(ca)).not.toThrow();
  });
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
