/** Library scenarios, group "cuts" (library.ts): each through the runner, every expectation held. */
import { describe, it } from "vitest";
import { GROUPS, runLibraryScenario } from "./library";

describe("scenario library: cuts", () => {
  for (const name of GROUPS["cuts"]) {
    it(name, async () => {
      await runLibraryScenario(name);
    }, 600_000);
  }
});
