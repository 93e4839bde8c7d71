import { describe, expect, it } from "vitest";
import { Flash } from "../../../simulator/espruino/flash";
import { FlashStorage, HEADER_BYTES, StorageError } from "../../../simulator/espruino/storage";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : String.fromCharCode(...b));

function store(pages = 4, pageBytes = 4096): FlashStorage {
  return new FlashStorage(new Flash(pages * pageBytes, pageBytes));
}

describe("emulated flash Storage (Espruino's jsflash.c layout)", () => {
  it("writes a 32-byte header then the data, 4-byte aligned, and reads it back", () => {
    const s = store();
    expect(s.write("cfg", bytes("hello"))).toBe(true);
    expect(text(s.read("cfg"))).toBe("hello");
    expect(text(s.read("cfg", 1, 3))).toBe("ell");
    expect(s.flash.byteAt(0)).toBe(5); // size word, little-endian
    expect(text(s.flash.read(4, 3))).toBe("cfg");
    expect(s.getFree()).toBe(4 * 4096 - HEADER_BYTES - 8);
    expect(s.read("nope")).toBeUndefined();
  });

  it("rewrites by allocating new space: the old copy is trash until compact", () => {
    const s = store();
    s.write("a", bytes("one"));
    s.write("a", bytes("three"));
    expect(text(s.read("a"))).toBe("three");
    expect(s.stats()).toMatchObject({ fileCount: 1, trashCount: 1, trashBytes: HEADER_BYTES + 4 });
    expect(s.list()).toEqual(["a"]);
    expect(s.compact()).toBe(true);
    expect(s.stats()).toMatchObject({ fileCount: 1, trashCount: 0 });
    expect(text(s.read("a"))).toBe("three");
    expect(s.flash.stats().pageErases).toBe(1);
  });

  it("does not program anything for an identical rewrite", () => {
    const s = store();
    s.write("a", bytes("same"));
    const before = s.flash.stats().bytesProgrammed;
    s.write("a", bytes("same"));
    expect(s.flash.stats().bytesProgrammed).toBe(before);
    expect(s.stats().trashCount).toBe(0);
    expect(s.writesPerFile.a).toBe(2);
  });

  it("pre-allocates erased space with size and fills it in place, only over 0xff bytes", () => {
    const s = store();
    s.write("a", bytes("Hello"), 0, 14);
    expect(text(s.read("a"))).toBe("Hello" + "\xff".repeat(9));
    s.write("a", bytes(" "), 5);
    s.write("a", bytes("World!!!"), 6);
    expect(text(s.read("a"))).toBe("Hello World!!!");
    expect(() => s.write("a", bytes("x"), 0 + 3)).toThrow(new StorageError("File already written with different data"));
    expect(() => s.write("a", bytes("toolong"), 10)).toThrow("Too much data for file size");
    expect(() => s.write("missing", bytes("x"), 4)).toThrow("Unable to find or create file");
    expect(s.write("a", bytes("x"), -1)).toBe(false);
    // Offset 0 again rewrites the file (docs example).
    s.write("a", bytes(" "), 0);
    expect(text(s.read("a"))).toBe(" ");
  });

  it("reuses a pre-allocated file in place when its area is still erased", () => {
    const s = store();
    s.write("log", new Uint8Array([1]), 0, 100);
    s.erase("log");
    s.write("buf", new Uint8Array(0).fill(0), 0, 8); // zero-length data, 8 erased bytes
    const at = s.stats().fileBytes;
    s.write("buf", bytes("abcdefgh"));
    expect(s.stats().fileBytes).toBe(at); // same size, erased area: written in place
    expect(s.stats().trashCount).toBe(1);
  });

  it("compacts by itself when full, then refuses with Espruino's error", () => {
    const s = store(2, 4096);
    const chunk = (v: number) => new Uint8Array(3000).fill(v);
    s.write("a", chunk(1));
    s.write("a", chunk(2)); // 2 × 3032 of 8192: fits
    expect(s.stats().trashCount).toBe(1);
    s.write("a", chunk(3)); // no room: compaction first, then it fits
    expect(s.compactions).toBe(1);
    // The old copy is marked deleted before the new one is allocated, so compaction took both.
    expect(s.stats()).toMatchObject({ fileCount: 1, trashCount: 0 });
    s.write("b", new Uint8Array(1000).fill(1));
    expect(() => s.write("c", new Uint8Array(4200).fill(1))).toThrow("Unable to find or create file");
    expect(text(s.read("a"))?.length).toBe(3000);
  });

  it("erase, list, eraseAll and wear accounting per page", () => {
    const s = store();
    s.write("x", bytes("1"));
    s.write("y", bytes("2"));
    expect(s.erase("x")).toBe(true);
    expect(s.erase("x")).toBe(false);
    expect(s.list()).toEqual(["y"]);
    s.eraseAll();
    expect(s.list()).toEqual([]);
    expect(s.getFree()).toBe(4 * 4096);
    expect(Array.from(s.flash.erasesPerPage)).toEqual([1, 0, 0, 0]);
    expect(s.flash.stats().bytesProgrammed).toBe(2 * (HEADER_BYTES + 1) + 4);
  });

  it("truncates names to 28 bytes as jsfNameFromVar does", () => {
    const s = store();
    s.write("n".repeat(40), bytes("v"));
    expect(s.list()).toEqual(["n".repeat(28)]);
    expect(text(s.read("n".repeat(30)))).toBe("v");
  });
});
