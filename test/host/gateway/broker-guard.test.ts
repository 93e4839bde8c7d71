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
