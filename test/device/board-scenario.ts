/**
 * The scenario every Espruino board's bundle runs on the real interpreter with that board's
 * variable count (../shared/espruino/, issue 9): flashed over a pseudo-terminal as `solkit
 * flash` does and booted from Storage as a board boots it; provisioned with host entropy;
 * readings verified and acked by the real gateway;
 * good, forged and replayed tokens; the console locked and opened by a maintenance token; kill -9 and a restart with nothing acked lost; a re-flash
 * of the provisioned board; memory at rest and at peak, and the longest event-loop block, on
 * the real clock. The figures are printed so a run shows them beside the board's budget.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { flashBoard } from "../../flash/flash-board";
import { provisionDevice } from "../../flash/provision";
import { openConsole, typedStatus } from "../../flash/maintenance";
import { decodePublicKey } from "../../shared/crypto/strkey";
import { encodeDownlinkLine, encodeFrame } from "../../shared/protocol/frame";
import { TOKEN_ADD_CREDIT, encodeToken } from "../../shared/protocol/token";
import { Registry } from "../../host/gateway/registry";
import { openStore } from "../../host/gateway/store-sqlite";
import type { Board } from "../../boards/board-type";
import type { RealBoard } from "../../simulator/real-espruino/real-board";
import { BAUD, Bench, PROBE_INSTALL, PROBE_READ, buildTwin, call, sleep, waitFor, withRepl } from "./helpers";

function hmacKeyOf(database: string, id: string): Uint8Array {
  const db = openStore(database);
  try {
    return new Registry(db).get(id)!.hmacKey;
  } finally {
    db.close();
  }
}

/** Meter pulses on the S0 input while `running()`: one every `everyMs`. */
function pulses(b: RealBoard, pin: string, everyMs: number, running: () => boolean): Promise<void> {
  return (async () => {
    // Ends when told, or when the board's folder is gone (a failed test cleaned up).
    try {
      while (running()) {
        await b.pulse(pin, 30);
        await sleep(everyMs);
      }
    } catch {
      // the board is gone
    }
  })();
}

/** The whole life of one board on the real interpreter, as one test (see the file comment). */
export function describeBoard(id: string): void {
  const board = loadBoard(id);
  describe(`${board.id} on the real interpreter (${board.limits!.jsVars} variables)`, () => {
    const bench = new Bench();
    let twin: Board;
    let code = "";
    afterAll(() => bench.cleanup());
    beforeAll(async () => {
      ({ twin, code } = await buildTwin(board));
    }, 180_000);

    it("flashes, boots from Storage, provisions, is verified and acked, takes only good tokens, survives kill -9 and a re-flash", { timeout: 900_000 }, async () => {
      const b = await bench.board(board);
      const notes: string[] = [];
      const flashed = await flashBoard({ path: b.path, baud: BAUD, board: twin, code, onNote: (n) => notes.push(n) });
      expect(flashed.boot.solkit, flashed.boot.lines.join("\n")).toBe(true);
      expect(flashed.boot.lines.join("\n")).toMatch(/boot 1: UNPROVISIONED/);

      // Provisioning: the key mixes host entropy in, so it is not the one E.hwRand alone gives.
      const database = join(bench.tmp("solkit-real-db-"), "gateway.db");
      const p = await provisionDevice({ path: b.path, baud: BAUD, board: twin, site: "real", database });
      expect(p.id).toMatch(/^G[A-Z2-7]{55}$/);
      expect(p.id).not.toBe("GBCNTAM5WSRKYVWHWGVXCVLPTM5FUQWDRVTDSRFAREWVKB6ES6LHEUNN"); // E.hwRand's key before issue 9
      const key = hmacKeyOf(database, p.id);

      // Provisioning locked the console (issue 11): a maintenance token from the registry opens it.
      const { rest, opened } = await withRepl(b.path, async (s) => {
        const opened = await openConsole(s, database, 900);
        await call(s, "solkit.setConfig(2, 3)");
        await call(s, PROBE_INSTALL);
        return { rest: (await call(s, "process.memory().usage")) as number, opened };
      });

      // The gateway verifies and acks; the meter pulses meanwhile.
      const meterPin = twin.pins.meterInput!.pin;
      let metering = true;
      const meter = pulses(b, meterPin, 400, () => metering);
      const { gw, log } = await bench.gateway(b.path, database);
      const dev = () => gw.registry.get(p.id)!;
      await waitFor(() => dev().verified >= 6, "six verified readings", 180_000);
      expect(dev().rejected, JSON.stringify(log.entries.filter((e) => e.event === "reject"))).toBe(0);
      const ackedBeforeCut = dev().lastSeq;
      await bench.stopGateway(gw);

      const busy = await withRepl(b.path, async (s, lines) => {
        const probe = (await call(s, PROBE_READ)) as { gapMs: number; peakVars: number };
        // Tokens: forged (another key), good, replayed.
        const token = (k: Uint8Array, counter: number) =>
          encodeDownlinkLine(encodeFrame(encodeToken({ tokenKind: TOKEN_ADD_CREDIT, deviceId: decodePublicKey(p.id), counter, amount: 600, config: [] }, k)), "espruino");
        const next = opened.counter + 1; // the maintenance token used one
        await s.write(token(new Uint8Array(32).fill(7), next));
        await waitFor(() => lines.some((l) => /rx token rejected: E_BAD_MAC/.test(l)), "the forged token refused", 30_000);
        expect(b.output(twin.pins.relay[0].pin).value).toBe(0);
        await s.write(token(key, next));
        await waitFor(() => lines.some((l) => /^rx .*credit \d+ s/.test(l)), "the good token taken", 30_000);
        await waitFor(() => b.output(twin.pins.relay[0].pin).value === 1, "the relay closed", 10_000);
        await s.write(token(key, next));
        await waitFor(() => lines.some((l) => /rx token rejected: E_REPLAY/.test(l)), "the replay refused", 30_000);
        return probe;
      });
      console.log(`${board.id}: ${rest} variables at rest, peak ${busy.peakVars} of ${board.limits!.jsVars}; longest block ${busy.gapMs} ms`);
      expect(busy.peakVars).toBeLessThan(board.limits!.jsVars!);

      // Power cut at an arbitrary instant, then power back: nothing acked is lost, seq goes on.
      await b.powerOff();
      await b.powerOn();
      const after = await bench.gateway(b.path, database);
      await waitFor(() => after.gw.registry.get(p.id)!.lastSeq >= ackedBeforeCut + 3, "readings after the restart", 180_000);
      expect(after.gw.registry.get(p.id)!.rejected).toBe(0);
      await bench.stopGateway(after.gw);
      metering = false;
      await meter;

      // Re-flash the provisioned board with readings stored: it boots and keeps its key.
      // The tokens above were made here, not by the registry: it learns the device's counter from its status.
      // A rebuilt bundle (one comment more: the same one would only be restarted, hash equal).
      const again = await flashBoard({ path: b.path, baud: BAUD, board: twin, code: `${code}\n// rebuilt\n`, database });
      expect(again.method).not.toBe("unchanged");
      expect(again.boot.solkit, again.boot.lines.join("\n")).toBe(true);
      const status = await withRepl(b.path, (s) => typedStatus(s, 60_000));
      expect(String(status)).toContain(`id: ${p.id}`);
    });
  });
}
