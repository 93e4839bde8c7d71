/** Library scenarios, group "links" (library.ts): each through the runner, every expectation held. */
import { describe, it } from "vitest";
import { GROUPS, runLibraryScenario } from "./library";

describe("scenario library: links", () => {
  for (const name of GROUPS["links"]) {
    it(name, async () => {
      await runLibraryScenario(name);
    }, 600_000);
  }
});
