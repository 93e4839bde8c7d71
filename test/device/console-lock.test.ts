/**
 * The locked console on the real interpreter (issue 11): after `solkit provision`, what the
 * customer types on the cable — a relay write, a host key of their own, a clock stretcher,
 * Ctrl-C and load() — does nothing, the host's frames still work, and only a maintenance
 * token from the registry opens the REPL: for `solkit flash` and for a technician. Measured
 * here on the Linux build, not the emulation (the console moves to LoopbackA, forced).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { flashBoard } from "../../flash/flash-board";
import { openConsole, typedStatus } from "../../flash/maintenance";
import { provisionDevice } from "../../flash/provision";
import { TokenIssuer } from "../../host/gateway/tokens";
import { openStore } from "../../host/gateway/store-sqlite";
import { TOKEN_ADD_CREDIT } from "../../shared/protocol/token";
import type { Board } from "../../boards/board-type";
import { BAUD, Bench, buildTwin, call, sleep, waitFor, withRepl } from "./helpers";

const board = loadBoard("esp32-devkitc");

describe("the locked console on the real interpreter (esp32-devkitc twin)", () => {
  const bench = new Bench();
  let twin: Board;
  let code = "";
  afterAll(() => bench.cleanup());
  beforeAll(async () => {
    ({ twin, code } = await buildTwin(board));
  }, 180_000);

  it("refuses typed code once provisioned; frames work; a maintenance token opens it for flash", { timeout: 600_000 }, async () => {
    const b = await bench.board(board);
    await flashBoard({ path: b.path, baud: BAUD, board: twin, code });
    const database = join(bench.tmp("solkit-real-lock-"), "gateway.db");
    const p = await provisionDevice({ path: b.path, baud: BAUD, board: twin, site: "lock", database });
    const relay = twin.pins.relay[0].pin;

    await withRepl(b.path, async (s, lines) => {
      const attacks = [
        `\x10digitalWrite(${relay},1)`,
        `solkit.setHostKey("${"66".repeat(32)}")`,
        "setInterval(function(){setTime(getTime()-0.95)},1000)",
        "\x03\x03load()",
        "require('Storage').erase('sk.state')",
      ];
      for (const a of attacks) {
        const before = lines.length;
        await s.write(a + "\n");
        await waitFor(() => lines.slice(before).some((l) => l.includes("console locked:")), `the lock's answer to ${JSON.stringify(a)}`, 10_000);
      }
      // A flood of short lines gets one answer, not one each (output amplification).
      const before = lines.length;
      await s.write("x\n".repeat(200));
      await sleep(1500);
      expect(lines.slice(before).filter((l) => l.includes("console locked:")).length).toBeLessThanOrEqual(10); // 5 a second
      await sleep(1000);
      await sleep(300);
      expect(b.output(relay).value).toBe(0);
      expect((await s.call("1+1", 3000)).value).toMatch(/^E_LOCKED/);

      // The host's frames: a credit token over rx closes the relay.
      const db = openStore(database);
      const credit = new TokenIssuer(db).issue(p.id, TOKEN_ADD_CREDIT, 600);
      db.close();
      await s.write(credit.line);
      await waitFor(() => lines.some((l) => /rx token 1: credit \+600 s/.test(l)), "the credit token taken", 20_000);
      await waitFor(() => b.output(relay).value === 1, "the relay closed", 10_000);
      const status = await typedStatus(s);
      expect(status).toMatch(/^tokens: last counter 1$/m);
      expect(status).toMatch(/^console: locked/m);

      // The maintenance path: a token from the registry opens the REPL; lock() closes it.
      const opened = await openConsole(s, database, 120);
      expect(opened).toMatchObject({ id: p.id, counter: 2, seconds: 120 });
      expect(await call(s, "1+1")).toBe(2);
      expect(await call(s, "solkit.lock()")).toBe("console locked");
      expect((await s.call("1+1", 3000)).value).toMatch(/^E_LOCKED/);
    });

    // Flash refuses a locked device without the registry, and opens it with it.
    await expect(flashBoard({ path: b.path, baud: BAUD, board: twin, code })).rejects.toMatchObject({ code: "E_LOCKED" });
    const notes: string[] = [];
    const again = await flashBoard({ path: b.path, baud: BAUD, board: twin, code, database, onNote: (n) => notes.push(n) });
    expect(notes.join("\n")).toMatch(/console of G[A-Z2-7]{55} opened for 15 min with maintenance token 3/);
    expect(again.boot.solkit, again.boot.lines.join("\n")).toBe(true);
    const after = await withRepl(b.path, (s) => typedStatus(s, 30_000));
    expect(after).toContain(`id: ${p.id}`);
    expect(after).toMatch(/^console: locked/m); // the new bundle locked it again as it started
  });
});
