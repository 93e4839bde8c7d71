/**
 * The verify thread checks only what the pipeline would check: readings of registered devices
 * that are not stored yet. A stranger's frames and replays of stored (public) readings are
 * refused before any signature check, as on the event loop, so they cost the thread nothing;
 * the good readings among them are verified, stored and acked in order.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { rmSync } from "node:fs";
import { decodeFrame } from "../../../shared/protocol/frame";
import type { Gateway } from "../../../host/gateway/gateway";
import { VerifyWorker } from "../../../host/crypto/verify-worker";
import { pipelineRig, TestDevice, tempDir } from "./helpers";

let gw: Gateway | undefined;
let dir = "";
afterEach(async () => {
  await gw?.stop();
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe("verify thread", () => {
  it("checks only registered devices' new readings; strangers and replays cost it nothing", async () => {
    dir = tempDir();
    const checked: number[] = [];
    const check = VerifyWorker.prototype.check;
    vi.spyOn(VerifyWorker.prototype, "check").mockImplementation(function (this: VerifyWorker, items) {
      checked.push(items.length);
      return check.call(this, items);
    });
    const rig = await pipelineRig(dir, { verifyThread: true });
    gw = rig.gw;
    const { dev, acks, link } = rig;
    const first = Array.from({ length: 10 }, () => dev.next());
    for (const f of first) gw.pipeline.submit(decodeFrame(f), link);
    await gw.pipeline.drain();
    expect(acks[acks.length - 1]).toBe(9);
    expect(checked.reduce((a, b) => a + b, 0)).toBe(10);

    checked.length = 0;
    const stranger = new TestDevice();
    for (let i = 0; i < 20; i++) gw.pipeline.submit(decodeFrame(stranger.next()), link);
    for (const f of first) gw.pipeline.submit(decodeFrame(f), link); // replays of stored readings
    const more = Array.from({ length: 5 }, () => dev.next());
    for (const f of more) gw.pipeline.submit(decodeFrame(f), link);
    await gw.pipeline.drain();
    expect(checked.reduce((a, b) => a + b, 0)).toBe(5);
    expect(acks[acks.length - 1]).toBe(14);
    expect(gw.metrics.get("solkit_rejected_total", { reason: "E_UNKNOWN_DEVICE" })).toBe(20);
  });

  it("a few frames that come while a slice is on the thread commit after it, in order", async () => {
    dir = tempDir();
    const rig = await pipelineRig(dir, { verifyThread: true });
    gw = rig.gw;
    const { dev, acks, link } = rig;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20; i++) gw.pipeline.submit(decodeFrame(dev.next()), link); // a slice for the thread
      await new Promise((r) => setImmediate(r)); // it is on the thread now
      for (let i = 0; i < 2; i++) gw.pipeline.submit(decodeFrame(dev.next()), link); // a lone pair behind it
      await gw.pipeline.drain();
      expect(acks[acks.length - 1]).toBe(22 * (round + 1) - 1);
    }
    expect(gw.metrics.total("solkit_rejected_total")).toBe(0);
    expect(gw.pipeline.pendingCount(dev.id)).toBe(0);
  });
});
