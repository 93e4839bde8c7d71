/**
 * The Pi's link to its gateway: MQTT, as a device on Wi-Fi speaks it (PROTOCOL.md 6): each
 * `@SK1:` line the uplink sends becomes a reading payload on `solkit/v1/<site>/<G…>/reading`
 * (QoS 1), and each payload on the device's own `cmd` topic is handed on as a downlink body.
 * It logs in as the device: user = its G… id, password = HMAC of its host key (PROTOCOL.md 6.3),
 * so the gateway's broker lets it publish under its own topics only. Until the device has a
 * key, a host key and a site there is nobody to log in as: the link stays down and the outbox
 * keeps the readings. A later provisioning step (new host key, new site) is picked up at the
 * next check and the link logs in again with the new credentials.
 */
import mqtt, { type MqttClient } from "mqtt";
import type { Socket } from "node:net";
import type { Link } from "../../hal";
import { LINE_PREFIX, decodeFrameBody, encodeFrame } from "../../../shared/protocol/frame";
import { readingPayloadJson } from "../../../shared/protocol/payload";
import { buildTopic } from "../../../shared/protocol/topics";
import type { TimerApi } from "./timer-api";

export interface DeviceCredentials {
  id: string;
  site: string;
  password: string;
}

export interface MqttDeviceLinkOptions {
  url: string;
  /** The device's login as the store has it now, or undefined before provisioning. */
  credentials: () => DeviceCredentials | undefined;
  api: TimerApi;
  log: (text: string) => void;
  /** How often to look for (new) credentials. */
  checkMs?: number;
}

export interface MqttDeviceLink extends Link {
  close(): Promise<void>;
}

export function mqttDeviceLink(o: MqttDeviceLinkOptions): MqttDeviceLink {
  let client: MqttClient | undefined = undefined;
  let login = "";
  let creds: DeviceCredentials | undefined = undefined;
  let handler: (body: string) => void = () => {};
  let wasUp = false;

  function check(): void {
    const c = o.credentials();
    const key = c === undefined ? "" : `${c.id}/${c.site}/${c.password}`;
    if (key === login) return;
    if (client !== undefined) client.end(true);
    client = undefined;
    login = key;
    creds = c;
    if (c === undefined) return;
    const status = buildTopic(c.site, c.id, "status");
    const cmd = buildTopic(c.site, c.id, "cmd");
    const cl = mqtt.connect(o.url, {
      clientId: c.id, username: c.id, password: c.password,
      clean: false, // commands sent while the link was down wait in the broker (QoS 1)
      reconnectPeriod: 2000, connectTimeout: 5000,
      will: { topic: status, payload: Buffer.from("offline"), qos: 1, retain: true },
    });
    cl.on("connect", () => {
      const s = (cl.stream as Socket | undefined);
      if (s !== undefined && typeof s.setNoDelay === "function") s.setNoDelay(true); // DESIGN.md: Nagle held acks ~40 ms
      cl.subscribe(cmd, { qos: 1 });
      cl.publish(status, "online", { qos: 1, retain: true });
      if (!wasUp) o.log(`link: logged in to ${o.url.replace(/\/\/[^@/]*@/, "//")} as ${c.id.slice(0, 8)}…`);
      wasUp = true;
    });
    cl.on("message", (topic, payload) => {
      if (topic === cmd) handler(payload.toString());
    });
    cl.on("error", (e) => {
      if (wasUp || !/ECONNREFUSED/.test(e.message)) o.log(`link: ${e.message}`);
      wasUp = false;
    });
    cl.on("offline", () => {
      if (wasUp) o.log("link: broker unreachable, readings wait in the outbox");
      wasUp = false;
    });
    client = cl;
  }

  check();
  const timer = o.api.start(o.checkMs ?? 5000, check, true);
  return {
    send(line) {
      if (client === undefined || creds === undefined || !line.startsWith(LINE_PREFIX)) return;
      let payload: string;
      try {
        const f = decodeFrameBody(line.substring(LINE_PREFIX.length));
        payload = readingPayloadJson(encodeFrame(f.message, f.signature));
      } catch (e) {
        o.log(`link: not a reading frame, not sent: ${(e as Error).message}`);
        return;
      }
      client.publish(buildTopic(creds.site, creds.id, "reading"), payload, { qos: 1 });
    },
    onReceive(h) {
      handler = h;
    },
    isUp: () => client !== undefined && client.connected,
    close: async () => {
      o.api.stop(timer);
      if (client !== undefined) await client.endAsync();
      client = undefined;
    },
  };
}
