import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc16Xmodem } from "../../../shared/crypto/crc16";
import { fromAscii } from "../../../shared/bytes";

/** Independent table-driven CRC-16/XMODEM (the textbook form) to compare against. */
const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  return c;
});
const tableCrc = (b: Uint8Array): number => b.reduce((crc, x) => ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ x) & 0xff], 0);

describe("crc16Xmodem", () => {
  it("gives the catalogue check value 0x31c3 for '123456789'", () => {
    expect(crc16Xmodem(fromAscii("123456789"))).toBe(0x31c3);
  });

  it("is 0 for no bytes", () => {
    expect(crc16Xmodem(new Uint8Array(0))).toBe(0);
  });

  it("equals a table-driven implementation for random input", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => crc16Xmodem(b) === tableCrc(b)), { numRuns: 500 });
  });

  it("detects every single-bit flip", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (b, at) => {
        const bit = at % (b.length * 8);
        const flipped = b.slice();
        flipped[bit >>> 3] ^= 1 << (bit & 7);
        return crc16Xmodem(flipped) !== crc16Xmodem(b);
      }),
    );
  });
});
