/**
 * The whole scenario library on a simulated Pi (issue 14): the rpi4 build (dist/rpi4/firmware.cjs,
 * the very file a Pi runs) on simulator/node/node-board.ts — virtual time, a GPIO chip, an INA219
 * reading the world's power, a card a power cut stops mid-write — through the same runner and
 * the same expectations as the Espruino boards.
 */
import { describe, expect, it } from "vitest";
import { GROUPS, runLibraryScenario } from "./library";

describe("scenario library on rpi4 (the Node target)", () => {
  for (const name of Object.values(GROUPS).flat()) {
    it(name, async () => {
      const r = await runLibraryScenario(name, "rpi4", (sc) => {
        if (name !== "outbox-full") return;
        // The Pi's outbox holds 1440 readings (24 h at 60 s; an esp32's 432 fill in 7.2 h): the
        // cable stays out for 30 h instead of 10, so the outbox fills here too.
        sc.durationMs = 36 * 3_600_000;
        sc.faults = sc.faults.map((f) => ("forMs" in f ? { ...f, forMs: 30 * 3_600_000 } : f));
      });
      if (name === "power-cuts") expect(r.boots).toBe(r.powerCuts + 1); // every cut a clean restart: no crash
    }, 600_000);
  }
});
