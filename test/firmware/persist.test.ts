/** The journal record (firmware/persist.ts): newest complete record wins, at any cut. */
import { describe, expect, test } from "vitest";
import { Journal } from "../../firmware/persist";
import { FakeFlash } from "./fake-hal";

const payload = (v: number) => new Uint8Array([v & 0xff, (v >>> 8) & 0xff, 7, 7, 7]);
const value = (b: Uint8Array | undefined) => (b === undefined ? 0 : b[0] + b[1] * 256);

describe("journal", () => {
  test("save and load across rollovers; one file created per `slots` saves", () => {
    const flash = new FakeFlash();
    const j = new Journal(flash, "t.j", 5, 4);
    expect(j.load()).toBeUndefined(); // value 0 below stands for no record
    for (let v = 1; v <= 21; v++) {
      expect(j.save(payload(v))).toBe(true);
      expect(value(new Journal(flash, "t.j", 5, 4).load())).toBe(v);
    }
    expect(flash.stats.creates).toBe(6);
    expect(flash.stats.writes).toBe(0);
    expect([...flash.files.keys()].sort()).toEqual(["t.j0", "t.j1"]);
  });

  test("a journal loads once: a reader of another journal's saves makes a journal per look", () => {
    const flash = new FakeFlash();
    const writer = new Journal(flash, "t.j", 5, 2);
    const reader = new Journal(flash, "t.j", 5, 2);
    writer.save(payload(1));
    expect(value(reader.load())).toBe(1);
    expect(reader.load()).toBeUndefined(); // nothing newer than it knows
    for (let v = 2; v <= 7; v++) {
      writer.save(payload(v));
      expect(value(new Journal(flash, "t.j", 5, 2).load())).toBe(v);
    }
  });

  test("a cut at every byte of 30 saves: the value read back is the last or the one before, never older", () => {
    const total = (() => {
      const f = new FakeFlash();
      const j = new Journal(f, "t.j", 5, 3);
      for (let v = 1; v <= 30; v++) j.save(payload(v));
      return f.stats.programmed;
    })();
    for (let n = 0; n < total; n++) {
      const flash = new FakeFlash();
      flash.armCut(n);
      let j = new Journal(flash, "t.j", 5, 3);
      let done = 0;
      for (let v = 1; v <= 30 && !flash.dead; v++) if (j.save(payload(v)) && !flash.dead) done = v;
      flash.dead = false;
      j = new Journal(flash, "t.j", 5, 3);
      const got = value(j.load());
      expect(got === done || got === done + 1, `cut at ${n}: read ${got}, last complete ${done}`).toBe(true);
      // And it keeps working after the cut.
      expect(j.save(payload(500))).toBe(true);
      expect(value(new Journal(flash, "t.j", 5, 3).load())).toBe(500);
    }
  });
});
