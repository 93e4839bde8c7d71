/**
 * The pipeline's commits reach the disk through WalSync (host/gateway/wal-sync.ts): SQLite
 * writes the WAL without syncing, the WAL is synced on the thread pool, and only then do the
 * acks leave. An ack lets the device delete the reading, so a sync that has not finished, or
 * failed, must hold every ack back. Real SQLite files, a real gateway, the sync held or failed.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { decodeFrame } from "../../../shared/protocol/frame";
import type { Gateway } from "../../../host/gateway/gateway";
import { MemoryLogger } from "../../../host/gateway/log";
import { openStore } from "../../../host/gateway/store-sqlite";
import { WalSync } from "../../../host/gateway/wal-sync";
import { pipelineRig, tempDir } from "./helpers";

let gw: Gateway | undefined;
let dir = "";
afterEach(async () => {
  vi.restoreAllMocks();
  await gw?.stop();
  gw = undefined;
  rmSync(dir, { recursive: true, force: true });
});

type SyncCb = (err: NodeJS.ErrnoException | null) => void;
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function start(logger = new MemoryLogger()): Promise<Awaited<ReturnType<typeof pipelineRig>>> {
  dir = tempDir();
  const rig = await pipelineRig(dir, { verifyThread: false, logger });
  gw = rig.gw;
  return rig;
}

function storedSeqs(g: Gateway, id: string): number[] {
  return (g.db.prepare("SELECT seq FROM readings WHERE device = ? ORDER BY seq").all(id) as { seq: number }[]).map((r) => r.seq);
}

describe("WalSync: acks only once the commit is on disk", () => {
  it("holds every ack until the WAL sync has finished, and runs the groups in order", async () => {
    const held: SyncCb[] = [];
    const real = Object.getOwnPropertyDescriptor(WalSync.prototype, "syncFile")!.value as (fd: number, cb: SyncCb) => void;
    vi.spyOn(WalSync.prototype as unknown as { syncFile: (fd: number, cb: SyncCb) => void }, "syncFile").mockImplementation(function (this: WalSync, fd, cb) {
      held.push((err) => (err ? cb(err) : real.call(this, fd, cb)));
    });
    const { gw, dev, acks, link } = await start();

    for (let i = 0; i < 3; i++) gw.pipeline.submit(decodeFrame(dev.next()), link);
    await tick();
    expect(storedSeqs(gw, dev.id)).toEqual([0, 1, 2]); // committed…
    expect(acks).toEqual([]); // …but not acked: the WAL is not synced yet
    expect(gw.metrics.total("solkit_readings_verified_total")).toBe(0);
    expect(held).toHaveLength(1);
    // The connection is back to FULL for every other writer (registry, teller).
    expect(gw.db.pragma("synchronous", { simple: true })).toBe(2);

    // A second batch while the first sync runs waits for a sync of its own, after the first.
    for (let i = 0; i < 2; i++) gw.pipeline.submit(decodeFrame(dev.next()), link);
    await tick();
    expect(held).toHaveLength(1);
    held.shift()!(null);
    await tick();
    expect(acks).toEqual([2]);
    expect(held).toHaveLength(1);
    held.shift()!(null);
    await tick();
    expect(acks).toEqual([2, 4]);
    expect(gw.metrics.total("solkit_readings_verified_total")).toBe(5);
  });

  it("acks nothing when the sync fails; the device's resend is acked once a sync works", async () => {
    let fail = true;
    const real = Object.getOwnPropertyDescriptor(WalSync.prototype, "syncFile")!.value as (fd: number, cb: SyncCb) => void;
    vi.spyOn(WalSync.prototype as unknown as { syncFile: (fd: number, cb: SyncCb) => void }, "syncFile").mockImplementation(function (this: WalSync, fd, cb) {
      if (fail) setImmediate(() => cb(Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" })));
      else real.call(this, fd, cb);
    });
    const logger = new MemoryLogger();
    const { gw, dev, acks, link } = await start(logger);
    const frames = [dev.next(), dev.next()];
    for (const f of frames) gw.pipeline.submit(decodeFrame(f), link);
    await gw.pipeline.drain();
    expect(acks).toEqual([]);
    expect(gw.metrics.render()).toMatch(/solkit_store_ok 0/);
    expect(logger.entries.some((l) => /commit failed, 2 frames not acked.*EIO/.test(l.text))).toBe(true);

    fail = false;
    for (const f of frames) gw.pipeline.submit(decodeFrame(f), link); // the device sends them again
    gw.pipeline.submit(decodeFrame(dev.next()), link);
    await gw.pipeline.drain();
    expect(acks[acks.length - 1]).toBe(2);
    expect(storedSeqs(gw, dev.id)).toEqual([0, 1, 2]);
    expect(gw.metrics.render()).toMatch(/solkit_store_ok 1/);
  });

  it("syncs inside the commit (FULL) where there is no WAL to sync: an in-memory database", () => {
    const db = openStore(":memory:");
    const w = new WalSync(db, undefined);
    expect(w.deferred).toBe(false);
    let done = false;
    w.commit(() => db.exec("INSERT INTO meta (key, value) VALUES ('k', x'00')"), () => (done = true));
    expect(done).toBe(true); // at once, in the same turn
    db.close();
  });

  it("a missing -wal file falls back to FULL rather than acking unsynced commits", () => {
    dir = tempDir();
    const file = join(dir, "rollback.db");
    const db = new Database(file); // rollback journal: no -wal file
    const w = new WalSync(db, `${file}-wal`);
    expect(w.deferred).toBe(false);
    db.close();
  });
});
