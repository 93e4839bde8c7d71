/**
 * The embedded broker's rules (issue 11): a stranger on the network cannot take the gateway's
 * client id (aedes would kick the gateway off), publish commands to devices, leave retained
 * forgeries on `cmd`/`reading`, or send oversized publishes. Devices and dashboards still
 * connect without credentials.
 */
import { afterEach, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { startEmbeddedBroker, MAX_PUBLISH_BYTES, type EmbeddedBroker } from "../../../host/gateway/broker-embedded";
import { waitFor } from "./helpers";
import { mqttPassword } from "../../../shared/protocol/mqtt-auth";

let broker: EmbeddedBroker | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await broker?.close();
  broker = undefined;
});

function connect(opts: mqtt.IClientOptions = {}): Promise<{ client: MqttClient; error?: Error }> {
  const client = mqtt.connect(broker!.url, { reconnectPeriod: 0, ...opts });
  clients.push(client);
  return new Promise((resolve) => {
    client.once("connect", () => resolve({ client }));
    client.once("error", (error) => resolve({ client, error }));
  });
}

const DEV = "GAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTCQKRMFYYDENBWHA5DYPSBB2D"; // any device id shape works here
const topic = (leaf: string) => `solkit/v1/t/${DEV}/${leaf}`;

describe("the embedded broker's guard", () => {
  it("the gateway's client ids and user name need the gateway's password", async () => {
    broker = await startEmbeddedBroker("127.0.0.1", 0);
    const impostor = await connect({ clientId: "solkit-gw-dev-0123456789" });
    expect(impostor.error?.message).toMatch(/Not authorized/i);
    const wrong = await connect({ clientId: "x", username: "solkit-gateway", password: "guess" });
    expect(wrong.error?.message).toMatch(/Not authorized/i);
    const gateway = await connect({ clientId: "solkit-gw-dev-0123456789", ...broker.gateway });
    expect(gateway.error).toBeUndefined();
    const dashboard = await connect({ clientId: "dashboard-1" });
    expect(dashboard.error).toBeUndefined();
  });

  it("only the gateway publishes cmd; nobody retains cmd or reading; nothing over the size limit", async () => {
    broker = await startEmbeddedBroker("127.0.0.1", 0);
    const seen: string[] = [];
    broker.aedes.on("publish", (p, client) => {
      if (client) seen.push(`${p.topic.split("/")[4]}${p.retain ? "+retain" : ""}:${p.payload.length}`);
    });
    const gw = (await connect({ clientId: "solkit-gw-dev-1", ...broker.gateway })).client;
    const device = (await connect({ clientId: "dev-1" })).client;
    gw.publish(topic("cmd"), "from-gateway", { qos: 1 });
    await waitFor(() => seen.includes("cmd:12"), "the gateway's cmd");
    const stranger = (await connect({ clientId: "stranger" })).client;
    stranger.publish(topic("cmd"), "forged", { qos: 1 });
    const device2 = (await connect({ clientId: "dev-2" })).client;
    device2.publish(topic("reading"), "r", { qos: 1, retain: true });
    const device3 = (await connect({ clientId: "dev-3" })).client;
    device3.publish(topic("status"), Buffer.alloc(MAX_PUBLISH_BYTES + 1), { qos: 1 });
    device.publish(topic("reading"), "ok", { qos: 1 });
    await waitFor(() => seen.includes("reading:2"), "a plain reading");
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.sort()).toEqual(["cmd:12", "reading:2"]);
  });
});

describe("devices log in with their id and the password their host key gives (PROTOCOL.md 6.3)", () => {
  const KEY = new Uint8Array(32).fill(0x44);
  const OTHER = "GADQOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOZPI";
  const ME = "GAEQSCIJBEEQSCIJBEEQSCIJBEEQSCIJBEEQSCIJBEEQSCIJBEEQSH7S";
  const mine = (leaf: string) => `solkit/v1/t/${ME}/${leaf}`;
  const keys = (id: string) => (id === ME ? new Uint8Array(KEY) : undefined);

  it("a wrong password or an unknown device is refused; a device keeps to its own topics; a dashboard only watches", async () => {
    broker = await startEmbeddedBroker("127.0.0.1", 0, undefined, undefined, keys);
    const seen: string[] = [];
    broker.aedes.on("publish", (p, client) => {
      if (client && p.topic.startsWith("solkit/")) seen.push(`${client.id}:${p.topic.split("/")[4]}`);
    });
    expect((await connect({ username: ME, password: "0".repeat(32) })).error?.message).toMatch(/Bad username or password/i);
    expect((await connect({ username: OTHER, password: mqttPassword(KEY) })).error?.message).toMatch(/Bad username or password/i);
    const device = await connect({ clientId: "dev", username: ME, password: mqttPassword(KEY) });
    expect(device.error).toBeUndefined();
    await device.client.subscribeAsync(mine("cmd"), { qos: 1 });
    const denied = await device.client.subscribeAsync(`solkit/v1/t/${OTHER}/reading`, { qos: 1 }).then(() => "granted", (e: Error) => e.message);
    expect(denied).toMatch(/Subscribe error/); // a failure grant (0x80); the connection stays
    await device.client.publishAsync(mine("reading"), "r", { qos: 1 });
    const dashboard = await connect({ clientId: "dash" });
    const granted = await dashboard.client.subscribeAsync("solkit/v1/#", { qos: 1 });
    expect(granted[0].qos).toBe(1);
    const closed = new Promise<void>((r) => dashboard.client.once("close", () => r()));
    dashboard.client.publish(mine("status"), "online", { qos: 1 });
    await closed;
    const liar = await connect({ clientId: "liar", username: ME, password: mqttPassword(KEY) });
    const gone = new Promise<void>((r) => liar.client.once("close", () => r()));
    liar.client.publish(`solkit/v1/t/${OTHER}/reading`, "r", { qos: 1 });
    await gone;
    await waitFor(() => seen.length >= 1, "the device's own publish");
    expect(seen).toEqual(["dev:reading"]);
  });
});
