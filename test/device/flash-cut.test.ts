/**
 * A flash ends with a reason in bounded time when the board dies under it (issue 9, item 7:
 * an interpreter killed mid-upload once left a promise pending — exit code 13, no message).
 * The real interpreter is killed with SIGKILL at about a third of the upload; flashBoard must
 * reject with a port error well within the write-stall limit, and a re-flash after power comes
 * back must finish and boot. Both go as heatshrink-compressed binary packets: the re-flash
 * proves that the interpreter's own decoder turns the espruino package's compression back
 * into the bundle (the SHA-256 read back) with no fallback to base64 chunks.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadBoard } from "../../boards/validate";
import { flashBoard } from "../../flash/flash-board";
import { BAUD, Bench, buildTwin } from "./helpers";

const board = loadBoard("esp32-devkitc");
const bench = new Bench();
afterAll(() => bench.cleanup());

describe("flash on the real interpreter", () => {
  it("fails with a reason when the board dies mid-upload, and a re-flash then works", { timeout: 300_000 }, async () => {
    const { twin, code } = await buildTwin(board);
    const b = await bench.board(board);
    let cut = false;
    let off: Promise<void> = Promise.resolve();
    const t0 = Date.now();
    const err = await flashBoard({
      path: b.path, baud: BAUD, board: twin, code,
      onProgress: (p) => {
        if (!cut && p.done >= p.total / 3) {
          cut = true;
          off = b.powerOff();
        }
      },
    }).then(() => undefined, (e: unknown) => e as { code?: string; message?: string });
    expect(cut).toBe(true);
    expect(err?.code, String(err?.message)).toMatch(/^E_PORT|^E_TIMEOUT|^E_UPLOAD/);
    expect(err?.message).toBeTruthy();
    // Bounded, not fast: the failure once hung until killed after 120 s; a loaded CI machine
    // with two interpreters running took 67 s from start to error here (wire time included).
    expect(Date.now() - t0).toBeLessThan(150_000);
    await off;
    await b.powerOn();
    const again = await flashBoard({ path: b.path, baud: BAUD, board: twin, code });
    expect(again.boot.solkit, again.boot.lines.join("\n")).toBe(true);
    expect(again.method, again.fallback).toBe("packets+heatshrink");
    expect(again.fallback).toBeUndefined();
    expect(again.check).toMatch(/^sha256:/);
  });
});
