/**
 * A provisioned solkit device is recognised by its locked console's refusal of the probe. That
 * console drops any line longer than MAX_CONSOLE_LINE without an answer (an attack on memory),
 * so a probe that grew past it made a locked board look like no board at all ("no board
 * answering" instead of E_LOCKED — seen when the probe gained its heatshrink check).
 */
import { describe, expect, it } from "vitest";
import { PROBE } from "../../flash/board-probe";
import { callLine } from "../../flash/repl-session";
import { MAX_CONSOLE_LINE } from "../../firmware/console-line";

describe("the probe line", () => {
  it("fits a locked console's line limit, with room for a long tag", () => {
    const line = callLine(PROBE, "SK999999").replace(/\n$/, "");
    expect(line.length).toBeLessThanOrEqual(MAX_CONSOLE_LINE - 16);
  });
});
