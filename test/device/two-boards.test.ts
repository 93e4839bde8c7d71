/**
 * Two fresh ESP32-sized boards on the real interpreter: their E.hwRand sequences are equal
 * (a constant-seeded rand() on that port and on the Linux build), their keys are not, because
 * the key mixes host entropy in (PROTOCOL.md 5.3).
 */
import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { flashBoard } from "../../flash/flash-board";
import { provisionDevice } from "../../flash/provision";
import { BAUD, Bench, buildTwin, call, withRepl } from "./helpers";

const BOARDS = [loadBoard("esp32-devkitc")];

describe("two fresh boards on the real interpreter", () => {
  const bench = new Bench();
  afterAll(() => bench.cleanup());

  it("get different keys although their E.hwRand sequences are the same", { timeout: 600_000 }, async () => {
    const board = BOARDS[0];
    const { twin, code } = await buildTwin(board);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const b = await bench.board(board);
      await flashBoard({ path: b.path, baud: BAUD, board: twin, code });
      const hw = await withRepl(b.path, (s) => call(s, "[E.hwRand(),E.hwRand()].join()"));
      const database = join(bench.tmp("solkit-real-db-"), "gateway.db");
      ids.push((await provisionDevice({ path: b.path, baud: BAUD, board: twin, site: "real", database })).id);
      ids.push(String(hw));
    }
    expect(ids[1]).toBe(ids[3]); // the "random" source repeats on a fresh start…
    expect(ids[0]).not.toBe(ids[2]); // …and the keys do not
  });
});
