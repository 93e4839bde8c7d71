/**
 * A second gateway on the same database or the same broker port refuses to start and names
 * the holder (issue 11: it used to move to free ports and share the database).
 */
import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig, type GatewayConfig } from "../../../host/gateway/config";
import { startGateway, type Gateway } from "../../../host/gateway/gateway";
import { lockDatabase } from "../../../host/gateway/db-lock";
import { startEmbeddedBroker } from "../../../host/gateway/broker-embedded";
import { solkit } from "../../cli/helpers";
import { freePort, tempDir } from "./helpers";

const quiet = { log: () => {} };
const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

function config(dir: string, port: number): GatewayConfig {
  return { ...defaultConfig(dir), site: "t", devices: { embedded: { host: "127.0.0.1", port } }, serial: { discover: false, ports: [], retryMs: 100 },
    health: { enabled: false, host: "127.0.0.1", port: 0 } };
}

describe("one gateway per database and port", () => {
  it("a database locked by a live process is refused with its pid; a stale lock is taken over", () => {
    const db = join(tempDir(), "gw.db");
    writeFileSync(`${db}.lock`, "1\n"); // pid 1 is always alive
    expect(() => lockDatabase(db)).toThrow(/in use by another gateway \(pid 1\)/);
    writeFileSync(`${db}.lock`, "999999999\n"); // no such process
    const release = lockDatabase(db);
    release();
  });

  it("the embedded broker's port in use is refused, not moved", async () => {
    const port = await freePort();
    const other = await startEmbeddedBroker("127.0.0.1", port);
    try {
      await expect(startEmbeddedBroker("127.0.0.1", port)).rejects.toMatchObject({ code: "E_IN_USE", message: expect.stringContaining(`port ${port} on 127.0.0.1 is in use`) });
    } finally {
      await other.close();
    }
  });

  it("solkit host on a database another solkit host holds: one line, exit 2", async () => {
    const dir = tempDir();
    const gw = await startGateway(config(dir, 0), { logger: quiet });
    running.push(gw);
    const file = join(dir, "gw.json");
    writeFileSync(file, JSON.stringify({ database: join(dir, ".solkit", "gateway.db"), devices: { embedded: { host: "127.0.0.1", port: 0 } }, serial: { discover: false }, health: { enabled: false } }));
    // The test process holds the lock; the child sees a live pid that is not its own.
    const r = solkit(["host", "--config", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`solkit: .*gateway\\.db is in use by another gateway \\(pid ${process.pid}\\)`));
  });
});
