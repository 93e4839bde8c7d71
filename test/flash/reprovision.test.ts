/**
 * Re-provisioning a device with a new key (issue 11): the device starts a new chain under its
 * new id, and the host, once its registry has the new key (provision --force writes it), accepts
 * that chain from its first reading; the old id's readings stay as they were.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { defaultConfig } from "../../host/gateway/config";
import { startGateway, type Gateway } from "../../host/gateway/gateway";
import { MemoryLogger } from "../../host/gateway/log";
import { provisionDevice } from "../../flash/provision";
import { openConsole } from "../../flash/maintenance";
import { closePort, openPort } from "../../flash/port-open";
import { ReplSession } from "../../flash/repl-session";
import { Rig, buildEsp32, esp32, tempDir, waitFor } from "./helpers";

const BAUD = 921_600;
let firmware = "";
const rig = new Rig();
let gw: Gateway | undefined;

beforeAll(async () => {
  firmware = await buildEsp32();
}, 120_000);
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await rig.cleanup();
});

async function gateway(path: string, database: string): Promise<{ gw: Gateway; log: MemoryLogger }> {
  const log = new MemoryLogger();
  const g = await startGateway({
    ...defaultConfig(tempDir("solkit-gw-")), database, site: "re", devices: { none: true },
    upstream: { url: "mqtt://127.0.0.1:1", rejectUnauthorized: true },
    serial: { discover: false, ports: [{ path, baudRate: BAUD }], retryMs: 100 },
    health: { enabled: false, host: "127.0.0.1", port: 0 },
  }, { logger: log });
  return { gw: g, log };
}

describe("provision --force", () => {
  it("a new key starts a new chain that the host accepts after the registry update", async () => {
    const b = await rig.board({ firmware, seed: 31 });
    const database = join(tempDir(), "gateway.db");
    const first = await provisionDevice({ path: b.path, baud: BAUD, board: esp32, site: "re", database });
    // Readings every 2 s, signed each time (the console is open again for this).
    const port = await openPort(b.path, BAUD);
    await openConsole(new ReplSession(port, BAUD), database, 600);
    await closePort(port);
    b.emu.runCode("solkit.setConfig(2, 1)");
    b.emu.pulse("D25", 2000, 400_000, { at: b.emu.now + 10, activeLow: true, widthMs: 20 });
    ({ gw } = await gateway(b.path, database));
    await waitFor(() => (gw!.registry.get(first.id)?.verified ?? 0) >= 2, "readings of the first key", 60_000);
    await gw.stop();
    gw = undefined;

    const second = await provisionDevice({ path: b.path, baud: BAUD, board: esp32, site: "re", database, force: true });
    expect(second.previousId).toBe(first.id);
    expect(second.id).not.toBe(first.id);
    const after = await gateway(b.path, database);
    gw = after.gw;
    await waitFor(() => (gw!.registry.get(second.id)?.verified ?? 0) >= 2, "readings of the new key", 60_000);
    const dev = gw!.registry.get(second.id)!;
    expect(dev.rejected).toBe(0);
    expect(after.log.find("reject")).toEqual([]);
    expect(gw!.registry.get(first.id)!.verified).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
