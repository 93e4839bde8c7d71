/**
 * Tested against the `espruino` package (EspruinoTools): its own upload of a bundle to the
 * same emulated board (over tcp://, see bench/espruino-tools.ts for why) stores the very bytes
 * `solkit flash` stores, and both boot. It must not reach for the web (board JSON, modules).
 */
import { afterEach, describe, expect, it } from "vitest";
import { espruinoToolsUpload } from "../../bench/espruino-tools";
import { flashBoard } from "../../flash/flash-board";
import { Rig, esp32, smallBundle, waitFor } from "./helpers";

const rig = new Rig();
afterEach(() => rig.cleanup());

const stored = (b: { emu: { storage: { read(n: string): Uint8Array | undefined } } }) => {
  const f = b.emu.storage.read(".bootcde");
  return f === undefined ? undefined : Buffer.from(f).toString("latin1");
};

describe("solkit flash beside EspruinoTools", () => {
  // retry: EspruinoTools over tcp:// does not honour the board's XOFF, so on a loaded host (the
  // emulated UART takes a stall's worth of bytes at once) a chunk can overrun the 1 KB input
  // buffer and its Storage.write never happens — seen in 2 of 4 full runs here, and before
  // issue 9's changes. solkit flash paces itself and checks every chunk; the comparison is
  // what this test is for, so it gets two more tries rather than a weaker assertion.
  it("both store the same .bootcde bytes and the board runs it", { retry: 2 }, async () => {
    const code = smallBundle("same", 6000);
    const theirs = await rig.board();
    const r = await espruinoToolsUpload(code, theirs.tcpPort);
    expect(r.status).toBe(0);
    expect(r.output).not.toMatch(/getURL|ENOTFOUND/);
    // Its CLI exits once it has sent everything; the board may still be taking the last bytes
    // in at the baud rate (seen on a loaded machine: .bootcde cut at 60 % when read at once).
    await waitFor(() => stored(theirs) === code && theirs.emu.console.printed.includes("bundle same running"), "the board to take all of EspruinoTools' upload", 15_000).catch(() => {});
    expect(stored(theirs)).toBe(code);
    expect(theirs.emu.console.printed).toContain("bundle same running");

    const ours = await rig.board();
    const f = await flashBoard({ path: ours.path, baud: 921_600, board: esp32, code });
    expect(stored(ours)).toBe(stored(theirs));
    expect(f.boot.lines.join("\n")).toContain("bundle same running");
  });
});
