/**
 * The emulated NOR flash (simulator/espruino/flash.ts): erased bytes read 0xff, programming only
 * clears bits, a page erase sets them back, a saved image comes back byte for byte — whatever
 * the chip keeps inside (it stores bytes inverted, page by page, so that an erased page costs no memory).
 */
import { describe, expect, it } from "vitest";
import { Flash, PowerCutError } from "../../../simulator/espruino/flash";

describe("emulated NOR flash", () => {
  it("reads 0xff when new; programming ANDs; an erase restores the page only", () => {
    const f = new Flash(4096, 1024);
    expect(f.isErased(0, 4096)).toBe(true);
    expect([...f.read(0, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
    f.program(1020, Uint8Array.of(0xf0, 0x0f, 0xaa, 0x55, 0x00, 0xff, 0x81, 0x7e));
    expect([...f.read(1020, 8)]).toEqual([0xf0, 0x0f, 0xaa, 0x55, 0x00, 0xff, 0x81, 0x7e]);
    f.program(1020, Uint8Array.of(0x3c, 0x3c));
    expect([f.byteAt(1020), f.byteAt(1021)]).toEqual([0x30, 0x0c]); // bits only go 1 → 0
    expect(f.isErased(1020, 1)).toBe(false);
    f.erasePage(1000); // page 0: bytes 0..1023
    expect([...f.read(1020, 8)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0x81, 0x7e]);
    expect(f.stats()).toEqual({ bytesProgrammed: 10, pageErases: 1, maxPageErases: 1 });
  });

  it("holds memory only for pages programmed since their erase", () => {
    const f = new Flash(256 * 1024, 4096);
    expect(f.heldBytes).toBe(0);
    f.program(4095, Uint8Array.of(1, 2)); // straddles pages 0 and 1
    expect(f.heldBytes).toBe(8192);
    f.erasePage(0);
    expect(f.heldBytes).toBe(4096);
    expect([...f.read(4094, 3)]).toEqual([0xff, 0xff, 2]);
    const img = f.image();
    const g = new Flash(256 * 1024, 4096);
    g.restore(img);
    expect(g.heldBytes).toBe(4096);
    expect(g.image()).toEqual(img);
  });

  it("keeps pages many chips hold alike once, each chip's next write its own", () => {
    const chips = [0, 1, 2].map(() => new Flash(16 * 1024, 4096));
    for (const c of chips) {
      c.program(0, new Uint8Array(6000).fill(0x5a)); // pages 0 and 1 alike on every chip
      c.program(8192, Uint8Array.of(chips.indexOf(c))); // page 2 differs (chip 0's is 0x00)
      c.shareIdenticalPages();
    }
    expect(chips.map((c) => c.heldBytes)).toEqual([0, 0, 0]); // pages 0 and 1 kept once; each page 2 in the pool too
    chips[1].program(100, Uint8Array.of(0x00)); // copy on write
    chips[2].erasePage(4096);
    expect(chips.map((c) => [c.byteAt(100), c.byteAt(4096), c.byteAt(8192)])).toEqual([[0x5a, 0x5a, 0], [0, 0x5a, 1], [0x5a, 0xff, 2]]);
    expect(chips.map((c) => c.heldBytes)).toEqual([0, 4096, 0]);
  });

  it("an image comes back as it was saved; a clone is independent; a cut stops mid-write", () => {
    const f = new Flash(2048, 1024);
    f.program(5, Uint8Array.of(1, 2, 3));
    const img = f.image();
    expect(img.length).toBe(2048);
    expect([...img.subarray(4, 9)]).toEqual([0xff, 1, 2, 3, 0xff]);
    const g = new Flash(2048, 1024);
    g.restore(img);
    expect([...g.image()]).toEqual([...img]);
    expect(() => g.restore(new Uint8Array(10))).toThrow(RangeError);
    const c = f.clone();
    c.program(100, Uint8Array.of(0));
    expect([f.byteAt(100), c.byteAt(100)]).toEqual([0xff, 0]);
    f.cutAfterBytes(2);
    expect(() => f.program(200, Uint8Array.of(9, 9, 9))).toThrow(PowerCutError);
    expect([...f.read(200, 3)]).toEqual([9, 9, 0xff]);
  });
});
