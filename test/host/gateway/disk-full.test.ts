/**
 * A full disk and a damaged database (issue 11). Mid-run, a commit that cannot grow the file
 * (SQLITE_FULL, made here with SQLite's max_page_count, the error a full disk gives) acks
 * nothing, puts back what the process counted for it, says so once with the file and the next
 * step, and the gateway recovers by itself when space returns. A start on a damaged file is one
 * line and exit 2.
 */
import { afterEach, describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { decodeAck } from "../../../shared/protocol/ack";
import { decodeFrame } from "../../../shared/protocol/frame";
import { defaultConfig, type GatewayConfig } from "../../../host/gateway/config";
import { startGateway, type Gateway } from "../../../host/gateway/gateway";
import { MemoryLogger } from "../../../host/gateway/log";
import type { LinkContext } from "../../../host/gateway/pipeline";
import { TestDevice, tempDir } from "./helpers";
import { solkit } from "../../cli/helpers";

const dirs: string[] = [];
let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function config(dir: string): GatewayConfig {
  return {
    ...defaultConfig(dir), site: "t", devices: { embedded: { host: "127.0.0.1", port: 0 } },
    upstream: { url: "mqtt://127.0.0.1:1", rejectUnauthorized: true }, serial: { discover: false, ports: [], retryMs: 100 },
    health: { enabled: false, host: "127.0.0.1", port: 0 },
  };
}

/**
 * Until every submitted frame is committed or refused: the batch on the verify thread too (a
 * fixed 20 ms once asserted before a loaded machine's worker had answered).
 */
const settle = () => gw!.pipeline.drain();

describe("a full disk", () => {
  it("acks nothing while commits fail, undoes what it counted, says it once, and recovers by itself", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const log = new MemoryLogger();
    gw = await startGateway(config(dir), { logger: log });
    const dev = new TestDevice();
    gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey });
    const acks: number[] = [];
    const link: LinkContext = { name: "test", relay: true, sendAck: (_d, ack) => acks.push(decodeAck(ack).seq) };
    const send = async (f: Uint8Array) => {
      gw!.pipeline.submit(decodeFrame(f), link);
      await settle();
    };
    const stored = () => Number((gw!.db.prepare("SELECT COUNT(*) AS n FROM spool").get() as { n: number }).n);
    await send(dev.next());
    expect(acks).toEqual([0]);

    // The disk fills: the file may not grow beyond the pages it has.
    gw.db.pragma(`max_page_count = ${Number(gw.db.pragma("page_count", { simple: true }))}`);
    const frames = Array.from({ length: 40 }, () => dev.next());
    // One batch: its first readings fit in the pages' slack and are pushed to the spool, a later
    // one cannot grow the file, and the whole batch rolls back.
    for (const f of frames) gw.pipeline.submit(decodeFrame(f), link);
    await settle();
    const ackedWhileFull = Math.max(...acks);
    expect(ackedWhileFull).toBeLessThan(40);
    expect(gw.registry.get(dev.id)!.lastSeq).toBe(ackedWhileFull);
    // What the process counts is what the file holds: the failed batches were taken back.
    expect(gw.spool.depth).toBe(stored());
    expect(gw.metrics.get("solkit_readings_verified_total", {})).toBe(ackedWhileFull + 1);
    expect(gw.metrics.render()).toMatch(/^solkit_store_ok 0$/m);
    const said = log.find("store").map((e) => e.text);
    expect(said).toHaveLength(1);
    expect(said[0]).toBe(`disk full: ${join(dir, ".solkit", "gateway.db")} cannot grow; not acking readings until there is space (the devices keep them and resend); free space on its disk`);
    for (const f of frames) gw.pipeline.submit(decodeFrame(f), link); // the device tries again: still full, said once
    await settle();
    expect(Math.max(...acks)).toBe(ackedWhileFull);
    expect(gw.spool.depth).toBe(stored());
    expect(log.find("store")).toHaveLength(1);

    // Space returns: the device resends from its outbox; everything is stored once.
    gw.db.pragma("max_page_count = 1073741823");
    for (const f of frames.slice(ackedWhileFull)) await send(f);
    expect(acks.at(-1)).toBe(40);
    expect(gw.registry.get(dev.id)!.verified).toBe(41);
    expect(gw.metrics.get("solkit_readings_verified_total", {})).toBe(41);
    expect(gw.spool.depth).toBe(stored());
    expect(gw.spool.depth).toBe(41);
    expect(gw.metrics.render()).toMatch(/^solkit_store_ok 1$/m);
    expect(log.find("store").map((e) => e.text).at(-1)).toBe("disk space is back: readings are stored and acked again");
  });
});

describe("a damaged database", () => {
  it("a start on it is one line naming the file and the next step, exit 2", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, "gateway.db");
    writeFileSync(file, randomBytes(8192));
    await expect(startGateway({ ...config(dir), database: file }, { logger: new MemoryLogger() })).rejects.toMatchObject({ code: "E_DB" });
    const cfg = join(dir, "c.json");
    writeFileSync(cfg, JSON.stringify({ database: file, devices: { embedded: { host: "127.0.0.1", port: 0 } } }));
    const r = solkit(["host", "-c", cfg]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 2,
      stderr: `solkit: ${file} is not a solkit database or is damaged (file is not a database); restore it from a backup, or move it away to start with an empty registry\n`,
    });
  });
});
