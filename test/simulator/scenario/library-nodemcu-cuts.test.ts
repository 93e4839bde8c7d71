/**
 * The library's 1000 power cuts (half of them in the middle of a flash write) on a simulated
 * NodeMCU board in real Lua 5.3 (library-nodemcu.test.ts has the rest): every cut a clean
 * restart, nothing acked lost, no seq reused.
 */
import { describe, expect, it } from "vitest";
import { runLibraryScenario } from "./library";

describe("scenario library on nodemcu-esp32 (real Lua 5.3): power cuts", () => {
  it("power-cuts", async () => {
    const r = await runLibraryScenario("power-cuts", "nodemcu-esp32");
    expect(r.boots).toBe(r.powerCuts + 1); // every cut a clean restart: no panic
  }, 600_000);
});
