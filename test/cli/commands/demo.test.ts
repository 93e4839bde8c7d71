/** `solkit demo`: the tamper switch catches a flipped bit, and refuses a reading the run never makes (issue 11). */
import { describe, expect, it } from "vitest";
import { solkit } from "../helpers";

describe("solkit demo", () => {
  it("--tamper inside the run is caught (exit 1); beyond it or not a number is refused (exit 2)", () => {
    expect(solkit(["demo", "--chain", "--tamper", "7"]).status).toBe(1);
    const beyond = solkit(["demo", "--chain", "--tamper", "500"]);
    expect([beyond.status, beyond.stderr.trim()]).toEqual([2, "solkit: --tamper 500: give a reading of this run, 0 to 59"]);
    expect(solkit(["demo", "--chain", "--tamper", "x"]).status).toBe(2);
    expect(solkit(["demo", "--chain"]).status).toBe(0);
  });
});
