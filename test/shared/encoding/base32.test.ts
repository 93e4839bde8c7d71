import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode } from "../../../shared/encoding/base32";
import { fromAscii, toAscii } from "../../../shared/bytes";

/** Independent reference: via a string of bits, 5 at a time (RFC 4648 section 6). */
const refEncode = (b: Uint8Array): string => {
  const bits = Array.from(b, (x) => x.toString(2).padStart(8, "0")).join("");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) out += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return out;
};

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e: any) {
    return e.code;
  }
  return undefined;
};

describe("base32 (RFC 4648 section 6, no padding)", () => {
  // RFC 4648 section 10 test vectors, with the '=' padding removed.
  const RFC: Array<[string, string]> = [
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ];
  it.each(RFC)("RFC 4648 section 10: %j <-> %j", (plain, text) => {
    expect(base32Encode(fromAscii(plain))).toBe(text);
    expect(toAscii(base32Decode(text))).toBe(plain);
  });

  it("round-trips random bytes and matches an independent bit-string encoder", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const text = base32Encode(b);
        return text === refEncode(b) && Buffer.from(base32Decode(text)).equals(Buffer.from(b));
      }),
      { numRuns: 500 },
    );
  });

  it("rejects lengths no whole number of bytes encodes to (1, 3, 6 mod 8)", () => {
    for (const t of ["M", "MZX", "MZXW6Y", "MZXW6YTBM"]) expect(code(() => base32Decode(t)), t).toBe("E_BASE32");
  });

  it("rejects characters outside A-Z, 2-7 (padding and lower case too)", () => {
    for (const t of ["MY==", "my", "M1", "M0", "M8", "M ", "M\u00e9"]) expect(code(() => base32Decode(t)), t).toBe("E_BASE32");
  });

  it("rejects nonzero unused trailing bits (non-canonical)", () => {
    // "MY" is 'f' with two zero bits left over; "MZ" sets one of them.
    expect(code(() => base32Decode("MZ"))).toBe("E_BASE32");
    expect(() => base32Decode("MZ")).toThrow(/non-canonical/);
  });

  it("decoding random strings only ever throws E_BASE32", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const c = code(() => base32Decode(s));
        return c === undefined || c === "E_BASE32";
      }),
      { numRuns: 1000 },
    );
  });
});
