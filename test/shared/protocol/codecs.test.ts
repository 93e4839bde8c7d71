import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeReading, encodeReading, READING_LENGTH } from "../../../shared/protocol/reading";
import { decodeAck, encodeAck } from "../../../shared/protocol/ack";
import { decodeToken, encodeToken } from "../../../shared/protocol/token";
import { decodeFrame, decodeFrameBody } from "../../../shared/protocol/frame";
import { decodeBase64, encodeBase64 } from "../../../shared/encoding/base64";
import { SolkitError } from "../../../shared/errors";
import { bytesN, readingArb, tokenArb, u32 } from "./arbitraries";
import { loadVectors, onlySolkitErrors } from "./helpers";

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof SolkitError ? e.code : `not a SolkitError: ${e}`;
  }
  return "";
};

describe("codecs round-trip", () => {
  it("reading: decode(encode(r)) = r and bytes are canonical", () => {
    fc.assert(fc.property(readingArb, (r) => {
      const b = encodeReading(r);
      expect(b.length).toBe(READING_LENGTH);
      expect(decodeReading(b)).toEqual(r);
      expect(encodeReading(decodeReading(b))).toEqual(b);
    }));
  });
  it("ack: decode(encode(a)) = a", () => {
    fc.assert(fc.property(bytesN(32), u32, u32, bytesN(32), (deviceId, seq, hostTime, key) => {
      const b = encodeAck({ deviceId, seq, hostTime }, key);
      const d = decodeAck(b);
      expect({ deviceId: d.deviceId, seq: d.seq, hostTime: d.hostTime }).toEqual({ deviceId, seq, hostTime });
    }));
  });
  it("token: decode(encode(t)) = t", () => {
    fc.assert(fc.property(tokenArb, bytesN(32), (t, key) => {
      const d = decodeToken(encodeToken(t, key));
      expect({ tokenKind: d.tokenKind, deviceId: d.deviceId, counter: d.counter, amount: d.amount, config: d.config }).toEqual(t);
    }));
  });
  it("base64 agrees with Buffer and round-trips", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      const s = encodeBase64(b);
      expect(s).toBe(Buffer.from(b).toString("base64"));
      expect(decodeBase64(s)).toEqual(b);
    }));
  });
});

describe("decoders of garbage only throw SolkitError", () => {
  const decoders: [string, (b: Uint8Array) => unknown][] = [
    ["reading", decodeReading], ["ack", decodeAck], ["token", decodeToken], ["frame", decodeFrame],
  ];
  for (const [name, decode] of decoders) {
    it(`${name}: random bytes`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => onlySolkitErrors(() => decode(b))), { numRuns: 2000 });
    });
    it(`${name}: random bytes with the right kind and version`, () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }), fc.integer({ min: 1, max: 3 }), (b, k) => {
        b[0] = k;
        b[1] = 1;
        onlySolkitErrors(() => decode(b));
      }), { numRuns: 2000 });
    });
  }
  it("every truncation of every valid vector fails with E_LENGTH", () => {
    for (const [kind, decode] of decoders.slice(0, 3)) {
      for (const c of loadVectors(kind).cases.filter((x) => !x.error)) {
        const b = Buffer.from(c.bytes, "hex");
        for (let n = 0; n < b.length; n++) expect(codeOf(() => decode(new Uint8Array(b.subarray(0, n))))).toBe("E_LENGTH");
      }
    }
  });
  it("base64 and line bodies: random text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      onlySolkitErrors(() => decodeBase64(s));
      onlySolkitErrors(() => decodeFrameBody(s));
    }), { numRuns: 3000 });
  });
  it("base64: random text over the alphabet is accepted only in canonical form", () => {
    const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".split("");
    fc.assert(fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 40 }), (arr) => {
      const s = arr.join("");
      let b: Uint8Array | undefined;
      try {
        b = decodeBase64(s);
      } catch (e) {
        expect(e).toBeInstanceOf(SolkitError);
      }
      if (b) expect(encodeBase64(b)).toBe(s);
    }), { numRuns: 5000 });
  });
  it("base64: '=' anywhere but the very end is refused (found by the property above)", () => {
    for (const bad of ["AA=A", "A=AA", "=AAA", "AAA=AAAA"]) expect(codeOf(() => decodeBase64(bad))).toBe("E_BASE64");
    expect(Array.from(decodeBase64("AA=="))).toEqual([0]);
  });
  it("encoders refuse out-of-range fields with E_RANGE/E_FIELD/E_LENGTH", () => {
    fc.assert(fc.property(readingArb, fc.constantFrom("relay", "timeQuality", "seq", "energyIn", "power", "flags"), (r, k) => {
      const bad = { ...r, [k]: k === "energyIn" ? 2 ** 53 : k === "power" ? 2 ** 31 : k === "flags" ? 0x20 : k === "seq" ? -1 : 3 };
      expect(["E_RANGE", "E_FIELD"]).toContain(codeOf(() => encodeReading(bad)));
    }));
    expect(codeOf(() => encodeReading({ ...fc.sample(readingArb, 1)[0], prev: new Uint8Array(31) }))).toBe("E_LENGTH");
  });
  it("error messages say what was expected and what came", () => {
    expect(() => decodeReading(new Uint8Array(119).fill(1, 0, 2))).toThrow("reading: expected 120 bytes, got 119");
  });
});
