/**
 * The table file's figures (base-table-file.ts) against the table itself: a wrong CRC or size
 * there would make every Espruino full build refuse a good file.
 */
import { describe, expect, it } from "vitest";
import { crc32 } from "node:zlib";
import { BASE_TABLE_BYTES, BASE_TABLE_CRC32, BASE_TABLE_FILE } from "../../../../shared/crypto/ed25519/base-table-file";
import { loadBaseTable } from "../../../../shared/crypto/ed25519/base-table-load";
import { baseTableBytes, companionFiles } from "../../../../toolchain/companion-files";

describe("the base-point table as a Storage file", () => {
  it("has the size and CRC-32 the board checks, and the bytes the portable decoder gives", () => {
    const bytes = baseTableBytes();
    expect(bytes.length).toBe(BASE_TABLE_BYTES);
    expect(crc32(bytes)).toBe(BASE_TABLE_CRC32);
    expect(Buffer.compare(Buffer.from(loadBaseTable()), Buffer.from(bytes))).toBe(0);
  });

  it("goes with a bundle that names it, and only then", () => {
    expect(companionFiles(`var t=require("Storage").read("${BASE_TABLE_FILE}");`).map((f) => f.name)).toEqual([BASE_TABLE_FILE]);
    expect(companionFiles(`var t=require("Storage").read('${BASE_TABLE_FILE}');`).length).toBe(1);
    expect(companionFiles(`var t=1;`)).toEqual([]);
  });
});
