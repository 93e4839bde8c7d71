/**
 * A NodeMCU board's link to its gateway: the serial line until the board has network settings
 * (net-config.ts), then Wi-Fi and MQTT as the Pi speaks it (PROTOCOL.md 6, node/link-mqtt.ts):
 * each `@SK1:` line becomes a reading payload on `solkit/v1/<site>/<G…>/reading` (QoS 1), each
 * payload on the device's `cmd` topic a downlink body. It logs in as the device (user = its G…
 * id, password = HMAC of its host key, PROTOCOL.md 6.3); until the device has both there is
 * nobody to log in as, the link stays down and the outbox keeps the readings.
 *
 * With `tls` in the settings it connects over TLS and checks the broker's certificate against
 * the CA the device keeps (net-config.ts BrokerCaFile); without a valid CA it does not connect
 * at all: never plain MQTT instead.
 *
 * NodeMCU's client does not reconnect by itself (its docs: "don't use autoreconnect"), so
 * `check`, every few seconds, connects again after a loss and picks up new settings or a new
 * login (provisioning while running). The chip rejoins the Wi-Fi by itself (`auto`).
 *
 * Portable code: see docs/portability.md.
 */
import type { Link } from "../../hal";
import type { HashFn } from "../../../shared/crypto/types";
import { LINE_PREFIX, decodeFrameBody, encodeFrame } from "../../../shared/protocol/frame";
import { readingPayloadJson } from "../../../shared/protocol/payload";
import { buildTopic } from "../../../shared/protocol/topics";
import type { NetConfig } from "./net-config";

export interface DeviceLogin {
  id: string;
  site: string;
  password: string;
}

export interface NodeMcuLinkParts {
  /** The device's login as its store has it now, or undefined before provisioning. */
  login: () => DeviceLogin | undefined;
  /** The network settings now, or undefined: the serial line. */
  net: () => NetConfig | undefined;
  /** The broker's CA (PEM) the device keeps, or undefined: none, or a damaged file. */
  ca: () => string | undefined;
  /** A machine line on the serial console (the serial link's send). */
  print: (line: string) => void;
  /** A line for the technician. */
  log: (text: string) => void;
  hash: HashFn;
}

export interface NodeMcuLink {
  link: Link;
  /**
   * Looks at the settings and the login, and (re)connects where needed: from a timer. With
   * `renew` a new client is made even when nothing in the settings changed (a new CA).
   */
  check(renew?: boolean): void;
}

/** Seconds without a packet before the broker takes the device for gone (and publishes its will). */
const KEEPALIVE_S = 60;

export function nodemcuLink(p: NodeMcuLinkParts): NodeMcuLink {
  let handler: (body: string) => void = function (): void {};
  let net: NetConfig | undefined = undefined;
  /** With TLS: the CA the client checks the broker with (read when the client is made). */
  let ca: string | undefined = undefined;
  let login: DeviceLogin | undefined = undefined;
  /** The settings and login the client was made for: a change makes a new client. */
  let key = "";
  let ssid = "";
  let wifiStarted = false;
  let hasIp = false;
  let client: NodeMcuMqttClient | undefined = undefined;
  let connecting = false;
  let up = false;
  let said = "";

  function say(text: string): void {
    if (text !== said) p.log(text);
    said = text;
  }

  function joinWifi(n: NetConfig): void {
    if (n.ssid === ssid) return;
    ssid = n.ssid;
    hasIp = false;
    if (!wifiStarted) {
      wifi.mode(wifi.STATION);
      wifi.sta.on("got_ip", function (): void {
        hasIp = true;
        connect();
      });
      wifi.sta.on("disconnected", function (): void {
        if (hasIp) say("link: wifi lost, readings wait in the outbox");
        hasIp = false;
        // Down now, not when a publish times out: the outbox keeps what is sent meanwhile.
        if (client !== undefined && (up || connecting)) client.close();
        up = false;
        connecting = false;
      });
    }
    // Not saved in the chip's own settings: ours are the journal's, one place to change them.
    wifi.sta.config({ ssid: n.ssid, pwd: n.password, auto: true }, false);
    if (!wifiStarted) wifi.start();
    wifiStarted = true;
    say(`link: joining wifi "${n.ssid}"`);
  }

  function drop(): void {
    if (client !== undefined) client.close();
    client = undefined;
    connecting = false;
    up = false;
  }

  function connect(): void {
    if (client === undefined || connecting || up || !hasIp || net === undefined || login === undefined) return;
    const c = client;
    const n = net;
    const l = login;
    connecting = true;
    c.connect(n.host, n.port, n.tls === true ? { ca_cert: ca as string } : false, function (): void {
      if (c !== client) return;
      connecting = false;
      up = true;
      c.subscribe(buildTopic(l.site, l.id, "cmd"), 1);
      c.publish(buildTopic(l.site, l.id, "status"), "online", 1, 1);
      say(`link: logged in to ${n.host}:${n.port}${n.tls === true ? " (TLS)" : ""} as ${l.id.substring(0, 8)}...`);
    }, function (_c: NodeMcuMqttClient, reason: number): void {
      if (c !== client) return;
      connecting = false;
      // 4 and 5 are the broker's refusal of the login: a registry without this device or its key.
      say(reason === 4 || reason === 5 ? `link: broker ${n.host}:${n.port} refused the login (${reason}): is the device in the gateway's registry?` : `link: broker ${n.host}:${n.port} unreachable (${reason})${n.tls === true ? ", or its certificate is not from the CA this device keeps" : ""}, retrying`);
    });
  }

  function makeClient(n: NetConfig, l: DeviceLogin): void {
    if (n.tls === true) {
      ca = p.ca();
      if (ca === undefined) {
        say("link: TLS to the broker but no valid CA kept (sk.ca): provision again with --broker-ca; readings wait in the outbox");
        return;
      }
    }
    const c = mqtt.Client(l.id, KEEPALIVE_S, l.id, l.password, 0);
    c.lwt(buildTopic(l.site, l.id, "status"), "offline", 1, 1);
    const cmd = buildTopic(l.site, l.id, "cmd");
    c.on("message", function (_c: NodeMcuMqttClient, topic?: string, data?: string): void {
      if (c === client && topic === cmd && data !== undefined) handler(data);
    });
    c.on("offline", function (): void {
      if (c !== client) return;
      if (up) say(`link: broker ${n.host}:${n.port} lost, readings wait in the outbox`);
      up = false;
      connecting = false;
    });
    client = c;
    connect();
  }

  function check(renew: boolean): void {
    if (renew) key = "\u0001"; // no settings make this key: the client is made again
    const n = p.net();
    const l = n === undefined ? undefined : p.login();
    const k = n === undefined ? "" : `${n.ssid}\n${n.password}\n${n.host}\n${n.port}\n${n.tls === true ? "tls" : ""}\n${l === undefined ? "" : l.id + "\n" + l.site + "\n" + l.password}`;
    if (k !== key) {
      drop();
      key = k;
      net = n;
      login = l;
      if (n === undefined) return;
      joinWifi(n);
      if (l === undefined) say("link: wifi set, not provisioned yet: readings wait in the outbox");
      else makeClient(n, l);
      return;
    }
    connect(); // after a loss: NodeMCU's client does not reconnect by itself
  }

  return {
    link: {
      send: function (line: string): void {
        if (net === undefined) {
          p.print(line);
          return;
        }
        if (!up || client === undefined || login === undefined || line.indexOf(LINE_PREFIX) !== 0) return;
        let payload = "";
        try {
          const f = decodeFrameBody(line.substring(LINE_PREFIX.length));
          payload = readingPayloadJson(encodeFrame(f.message, f.signature), p.hash);
        } catch (e) {
          p.log(`link: not a reading frame, not sent`);
          return;
        }
        client.publish(buildTopic(login.site, login.id, "reading"), payload, 1, 0);
      },
      onReceive: function (h: (body: string) => void): void {
        handler = h;
      },
      isUp: function (): boolean {
        return net === undefined || up;
      },
      describe: function (): string {
        if (net === undefined) return "serial";
        return `${net.tls === true ? "mqtts" : "mqtt"} ${net.host}:${net.port} via wifi "${net.ssid}": ${up ? "logged in" : hasIp ? "connecting" : "no wifi"}`;
      },
    },
    check: function (renew?: boolean): void {
      check(renew === true);
    },
  };
}
