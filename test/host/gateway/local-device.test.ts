/**
 * A Pi as meter and gateway at once (config "localDevice", `solkit host --local-device rpi4`):
 * the gateway runs the rpi4 bundle as its child process (fake gpiochip/I2C tools on its PATH),
 * provisions and registers it over its stdin, and verifies its readings like any device's —
 * it logs in to the broker as itself. Restarted on the same database and store, it is the same
 * device and nothing is provisioned again; the CLI flag does the same from the command line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadBoard } from "../../../boards/validate";
import { nodeBundle } from "../../../toolchain/node-target";
import { defaultConfig, type GatewayConfig } from "../../../host/gateway/config";
import { startGateway } from "../../../host/gateway/gateway";
import { MemoryLogger } from "../../../host/gateway/log";
import type { VerifiedBatch } from "../../../host/gateway/pipeline";
import { tempDir, waitFor } from "./helpers";

const FAKE_TOOLS = resolve(__dirname, "..", "..", "fixtures", "fake-gpiod");
const BIN = resolve(__dirname, "..", "..", "..", "bin", "solkit.mjs");

describe("the gateway's local device (a Pi that is its own meter)", () => {
  let dir: string;
  let bundle: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = tempDir("solkit-local-");
    bundle = join(dir, "firmware.cjs");
    writeFileSync(bundle, (await nodeBundle(loadBoard("rpi4"))).code);
    mkdirSync(join(dir, "chip", "gpiochip0"), { recursive: true });
    mkdirSync(join(dir, "chip", "i2c-1"));
    writeFileSync(join(dir, "chip", "i2c-1", "40-1"), "00fa"); // 0.5 A through the 5 mΩ shunt
    writeFileSync(join(dir, "chip", "i2c-1", "40-2"), (3000 << 3).toString(16)); // 12 V
    env = { ...process.env, PATH: `${FAKE_TOOLS}:${process.env.PATH}`, FAKE_GPIO_DIR: join(dir, "chip") };
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function config(): GatewayConfig {
    const c = defaultConfig(dir);
    return {
      ...c, site: "pi-home", devices: { embedded: { host: "127.0.0.1", port: 0 } }, serial: { discover: false, ports: [], retryMs: 100 },
      health: { ...c.health, enabled: false }, localDevice: { board: "rpi4", data: join(dir, "device"), intervalS: 1, signEvery: 1 },
    };
  }

  it("provisions, registers and verifies its own device; a restart finds the same one", async () => {
    const log = new MemoryLogger();
    const gw = await startGateway(config(), { logger: log, localDevice: { bundle, env } });
    const seen: VerifiedBatch[] = [];
    gw.events.on("verified", (v: VerifiedBatch) => seen.push(v));
    try {
      await waitFor(() => seen.some((b) => b.device === gw.localDevice?.id), "a verified reading of the local device", 30_000);
      const id = gw.localDevice!.id!;
      expect(gw.registry.get(id)).toMatchObject({ board: "rpi4", name: "local device" });
      // 6 W from the registers, averaged over each interval on the wall clock: within a percent.
      expect(seen.flatMap((b) => b.readings).every((r) => r.reading.power <= 6060)).toBe(true);
    } finally {
      await gw.stop();
    }
    const id = gw.localDevice!.id!;
    const log2 = new MemoryLogger();
    const again = await startGateway(config(), { logger: log2, localDevice: { bundle, env } });
    const seen2: VerifiedBatch[] = [];
    again.events.on("verified", (v: VerifiedBatch) => seen2.push(v));
    try {
      await waitFor(() => seen2.some((b) => b.device === id), "a reading after the restart", 30_000);
      expect(again.localDevice!.id).toBe(id);
      expect(again.registry.list()).toHaveLength(1);
      const text = log2.entries.map((l) => l.text).join("\n");
      expect(text).toContain(`local device ${id} running`);
      expect(text).not.toContain("provisioned and registered");
    } finally {
      await again.stop();
    }
  }, 90_000);

  it("solkit host --local-device rpi4 runs both from one command", async () => {
    const cfgFile = join(dir, "host.json");
    writeFileSync(cfgFile, JSON.stringify({ site: "pi-cli", database: join(dir, "cli", "gateway.db"), devices: { embedded: { host: "127.0.0.1", port: 0 } }, serial: { discover: false }, health: { enabled: false } }));
    const p = spawn(process.execPath, [BIN, "host", "--config", cfgFile, "--local-device", "rpi4"], { env });
    let err = "";
    p.stderr.on("data", (d) => (err += d.toString()));
    try {
      await waitFor(() => /provisioned and registered G[A-Z2-7]{55} \(site pi-cli/.test(err), "the local device provisioned", 60_000);
      expect(err).toMatch(/device {5}rpi4 on this machine/);
    } finally {
      const done = new Promise((r) => p.once("exit", r));
      p.kill("SIGINT");
      await done;
    }
    expect(p.exitCode).toBe(0);
  }, 90_000);
});
