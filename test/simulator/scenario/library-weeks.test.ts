/** Library scenarios, group "weeks" (library.ts): each through the runner, every expectation held. */
import { describe, it } from "vitest";
import { GROUPS, runLibraryScenario } from "./library";

describe("scenario library: weeks", () => {
  for (const name of GROUPS["weeks"]) {
    it(name, async () => {
      await runLibraryScenario(name);
    }, 600_000);
  }
});
