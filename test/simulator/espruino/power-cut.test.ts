import { describe, expect, it } from "vitest";
import { Flash, PowerCutError } from "../../../simulator/espruino/flash";
import { FlashStorage, HEADER_BYTES } from "../../../simulator/espruino/storage";
import { makeBoard } from "./helpers";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : String.fromCharCode(...b));

describe("power cut in the middle of a Storage write", () => {
  it("keeps exactly the bytes programmed before the cut, at every byte of a rewrite", () => {
    const base = new FlashStorage(new Flash(4 * 4096, 4096));
    base.write("state", bytes("old content"));
    base.write("other", bytes("untouched"));
    const NEW = "new content, longer";
    const probe = new FlashStorage(base.flash.clone());
    const before = probe.flash.stats().bytesProgrammed;
    probe.write("state", bytes(NEW));
    const total = probe.flash.stats().bytesProgrammed - before;
    // 4 bytes to mark the old copy deleted, the new header, the data.
    expect(total).toBe(4 + HEADER_BYTES + NEW.length);
    const seen: { [k: string]: number } = {};
    for (let n = 0; n <= total; n++) {
      const flash = base.flash.clone();
      const s = new FlashStorage(flash);
      flash.cutAfterBytes(n);
      let cut = false;
      try {
        s.write("state", bytes(NEW));
      } catch (e) {
        expect(e).toBeInstanceOf(PowerCutError);
        cut = true;
      }
      expect(cut).toBe(n < total);
      expect(flash.stats().bytesProgrammed - before).toBe(n);
      // What the next boot finds: the same flash, a fresh file system view.
      flash.powered = true;
      const after = new FlashStorage(flash);
      const got = text(after.read("state"));
      let kind: string;
      if (got === "old content") kind = "old";
      else if (got === undefined) kind = "none";
      else {
        // The new header is complete: a prefix of the new data, the rest still erased.
        const k = n - 4 - HEADER_BYTES;
        expect(got).toBe(NEW.slice(0, k) + "\xff".repeat(NEW.length - k));
        kind = k === NEW.length ? "new" : "partial";
      }
      seen[kind] = (seen[kind] ?? 0) + 1;
      expect(text(after.read("other"))).toBe("untouched");
    }
    expect(seen).toEqual({ old: 1, none: 4 + HEADER_BYTES - 1, partial: NEW.length, new: 1 });
  });

  it("powers the board off mid-write; after power-on .bootcde sees only what was programmed", () => {
    const { board, out } = makeBoard();
    board.runCode(`E.setBootCode('var f = require("Storage").read("log"); print("boot sees", f === undefined ? "nothing" : JSON.stringify(f));');`);
    board.runCode(`
      digitalWrite(D26, 1);
      setTimeout(function () {
        try { require("Storage").write("log", "0123456789"); } catch (e) { print("caught", e.message); }
        print("after the write");
        digitalWrite(D27, 1);
      }, 1000);
    `);
    expect(board.pinLevel("D26")).toBe(1);
    board.cutAfterBytes(HEADER_BYTES + 4);
    board.advance(2000);
    expect(board.isOn).toBe(false);
    expect(board.pinLevel("D26")).toBe(0); // no power, relay open
    expect(board.pinLevelAt("D26", 999)).toBe(1);
    expect(board.pinLevel("D27")).toBe(0);
    expect(out()).not.toContain("after the write");
    expect(out()).not.toContain("caught");
    board.advance(5000);
    board.powerOn();
    expect(board.console.printed.at(-1)).toBe(`boot sees ${JSON.stringify("0123" + "\xff".repeat(6))}`);
    expect(board.resets.map((r) => r.reason)).toEqual(["power-on", "power-on"]);
  });
});
