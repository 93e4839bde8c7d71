/** Library scenarios, group "credit" (library.ts): each through the runner, every expectation held. */
import { describe, it } from "vitest";
import { GROUPS, runLibraryScenario } from "./library";

describe("scenario library: credit", () => {
  for (const name of GROUPS["credit"]) {
    it(name, async () => {
      await runLibraryScenario(name);
    }, 600_000);
  }
});
