import { describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig, loadConfig, parseConfig } from "../../../host/gateway/config";
import { startGateway } from "../../../host/gateway/gateway";
import { MemoryLogger } from "../../../host/gateway/log";
import { makeTlsCerts, tempDir } from "./helpers";

describe("gateway config", () => {
  it("defaults to the embedded broker and ./.solkit/gateway.db", () => {
    const c = defaultConfig("/srv/x");
    expect(c.database).toBe("/srv/x/.solkit/gateway.db");
    expect(c.devices).toEqual({ embedded: { host: "127.0.0.1", port: 1883 } });
    expect(c.upstream).toBeUndefined();
  });

  it("reads a full config, resolving paths against the file's folder", () => {
    const c = parseConfig({
      site: "farm-1", database: "data/gw.db",
      devices: { broker: { url: "mqtt://127.0.0.1:1883" } },
      upstream: { url: "mqtts://broker.example:8883", username: "gw", password: "pw", ca: "ca.pem", clientId: "gw-farm-1" },
      serial: { ports: [{ path: "/dev/ttyUSB0", repl: "nodemcu" }] },
      spool: { maxBytes: 1048576, alarmRatio: 0.9 }, homeAssistant: { enabled: true }, health: { port: 9100 },
    }, "/etc/solkit");
    expect(c.database).toBe("/etc/solkit/data/gw.db");
    expect(c.upstream).toMatchObject({ ca: "/etc/solkit/ca.pem", username: "gw", rejectUnauthorized: true });
    expect(c.serial).toEqual({ discover: false, ports: [{ path: "/dev/ttyUSB0", baudRate: 115200, repl: "nodemcu" }], retryMs: 2000 });
    expect(c.homeAssistant).toEqual({ enabled: true, prefix: "homeassistant" });
  });

  it("takes a local device only on a board that runs Node, judged by the board's own file", () => {
    const c = parseConfig({ localDevice: { board: "rpi-zero-2w", data: "dev" } }, "/srv");
    expect(c.localDevice).toEqual({ board: "rpi-zero-2w", data: "/srv/dev", intervalS: 60, signEvery: 10 });
    expect(() => parseConfig({ localDevice: { board: "esp32-devkitc" } }, "/")).toThrow(/\$\.localDevice\.board: .*"esp32-devkitc" runs espruino/);
    expect(() => parseConfig({ localDevice: { board: "rpi5" } }, "/")).toThrow(/\$\.localDevice\.board: no board 'rpi5' \(did you mean 'rpi4'\?\)/);
  });

  it("lists every error with its path at once", () => {
    let msg = "";
    try {
      parseConfig({
        site: "bad/site", colour: "red", devices: { embedded: { port: 70000 }, none: true },
        upstream: { url: "http://x" }, serial: { ports: [{ baudRate: "fast" }, { path: "/dev/ttyACM0", repl: "micropython" }] },
        spool: { alarmRatio: 2 }, health: { enabled: "yes" },
      }, "/");
    } catch (e) {
      msg = (e as Error).message;
      expect((e as { code: string }).code).toBe("E_CONFIG");
    }
    for (const path of ["$.site", "$.colour", "$.devices:", "$.devices.embedded.port", "$.upstream.url", "$.serial.ports[0].path", "$.serial.ports[0].baudRate", "$.serial.ports[1].repl", "$.spool.alarmRatio", "$.health.enabled"]) {
      expect(msg).toContain(path);
    }
    expect(msg).toMatch(/^10 error\(s\)/);
  });

  it("an embedded broker beyond loopback needs an explicit insecureRemote (issue 11)", () => {
    expect(() => parseConfig({ devices: { embedded: { host: "0.0.0.0" } } }, "/")).toThrow(/\$\.devices\.embedded\.host: "0\.0\.0\.0" is not loopback .*"insecureRemote": true/);
    expect(parseConfig({ devices: { embedded: { host: "0.0.0.0", insecureRemote: true } } }, "/").devices).toEqual({ embedded: { host: "0.0.0.0", port: 1883, insecureRemote: true } });
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) expect(() => parseConfig({ devices: { embedded: { host } } }, "/")).not.toThrow();
  });

  it("an embedded broker with a certificate may listen beyond loopback: TLS, port 8883 unless given; its files must be there", () => {
    const dir = tempDir();
    try {
      const certs = makeTlsCerts(dir);
      const cfg = parseConfig({ devices: { embedded: { host: "0.0.0.0", tls: { cert: "broker.pem", key: "broker.key" } } } }, dir);
      expect(cfg.devices).toEqual({ embedded: { host: "0.0.0.0", port: 8883, insecureRemote: false, tls: { cert: certs.cert, key: certs.key } } });
      expect(() => parseConfig({ devices: { embedded: { host: "0.0.0.0", tls: { cert: "nope.pem" } } } }, dir)).toThrow(
        new RegExp(`\\$\\.devices\\.embedded\\.tls\\.cert: no such file: ${join(dir, "nope.pem")}[^]*\\$\\.devices\\.embedded\\.tls\\.key: required`));
      expect(() => parseConfig({ devices: { embedded: { tls: { cert: "broker.pem", key: "broker.key", ca: "x" } } } }, dir)).toThrow(/\$\.devices\.embedded\.tls\.ca/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a certificate the broker cannot use is one clear error at start, and nothing listens", async () => {
    const dir = tempDir();
    try {
      const certs = makeTlsCerts(dir);
      writeFileSync(join(dir, "garbage.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
      const cfg = defaultConfig(dir);
      await expect(startGateway({ ...cfg, devices: { embedded: { host: "127.0.0.1", port: 0, tls: { cert: join(dir, "garbage.pem"), key: certs.key } } },
        serial: { discover: false, ports: [], retryMs: 100 }, health: { ...cfg.health, enabled: false } }, { logger: new MemoryLogger() }))
        .rejects.toThrow(/embedded broker TLS: .*devices\.embedded\.tls/);
      // The database lock went with it: a gateway with a good certificate starts on the same files.
      const gw = await startGateway({ ...cfg, devices: { embedded: { host: "127.0.0.1", port: 0, tls: { cert: certs.cert, key: certs.key } } },
        serial: { discover: false, ports: [], retryMs: 100 }, health: { ...cfg.health, enabled: false } }, { logger: new MemoryLogger() });
      expect(gw.deviceBrokerUrl).toMatch(/^mqtts:/);
      await gw.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says which file is not JSON", () => {
    const dir = tempDir();
    try {
      const f = join(dir, "gw.json");
      writeFileSync(f, "{ site: 1 ");
      expect(() => loadConfig(f)).toThrow(/gw.json is not JSON/);
      expect(() => loadConfig(join(dir, "none.json"))).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
