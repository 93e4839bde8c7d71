import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeReading, readingSigningInput } from "../../../shared/protocol/reading";
import { encodeFrame } from "../../../shared/protocol/frame";
import { SolkitError } from "../../../shared/errors";
import {
  encodeCmdPayload, encodeNotice, encodeReadingPayload, parseCmdPayload, parseNotice, parseReadingPayload,
} from "../../../host/protocol/mqtt-payload";
import { readingArb } from "../../shared/protocol/arbitraries";
import { loadVectors, naclSigner } from "../../shared/protocol/helpers";

const signer = naclSigner(new Uint8Array(32).fill(3));

describe("reading payload", () => {
  it("portable builder output is valid JSON whose fields equal the decoded bytes", () => {
    fc.assert(fc.property(readingArb, fc.boolean(), (r, signed) => {
      const bytes = encodeReading({ ...r, deviceId: signer.publicKey });
      const frame = encodeFrame(bytes, signed ? signer.sign(readingSigningInput(bytes)) : undefined);
      const text = encodeReadingPayload(frame);
      const o = JSON.parse(text);
      expect(Object.keys(o)).toEqual(["v", "device", "seq", "reading", "sig", "hash", "fields"]);
      const p = parseReadingPayload(text);
      expect(p.reading).toEqual(bytes);
      expect(p.signature.length).toBe(signed ? 64 : 0);
      expect(o.fields.energyIn).toBe(r.energyIn);
      expect(o.fields.power).toBe(r.power);
    }), { numRuns: 200 });
  });

  it("rejects a payload whose convenience copies lie", () => {
    const c = loadVectors("reading").cases[1];
    const text = encodeReadingPayload(Buffer.from(c.bytes + c.signature, "hex"));
    const o = JSON.parse(text);
    for (const lie of [{ seq: o.seq + 1 }, { hash: "00" }, { fields: { ...o.fields, energyIn: 1 } }, { device: "GX" }, { v: 2 }]) {
      expect(() => parseReadingPayload(JSON.stringify({ ...o, ...lie }))).toThrow(expect.objectContaining({ code: "E_PAYLOAD" }));
    }
    expect(parseReadingPayload(JSON.stringify({ v: 1, reading: o.reading, sig: "" })).fields.seq).toBe(c.fields.seq);
  });

  /** Parses `text`; a refusal must be a SolkitError with a code (returns undefined then). */
  function parsedOrRefused(text: string): ReturnType<typeof parseReadingPayload> | undefined {
    try {
      return parseReadingPayload(text);
    } catch (e) {
      expect(e).toBeInstanceOf(SolkitError);
      expect((e as SolkitError).code).toMatch(/^E_[A-Z0-9_]+$/);
      return undefined;
    }
  }

  it("garbage: refused with a code, or a payload that round-trips", () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
      const p = parsedOrRefused(s);
      if (p === undefined) return;
      const again = parseReadingPayload(encodeReadingPayload(encodeFrame(p.reading, p.signature.length > 0 ? p.signature : undefined)));
      expect([again.reading, again.signature]).toEqual([p.reading, p.signature]);
    }), { numRuns: 1000 });
  });

  it("a good payload with one field replaced: refused with a code, or still the same reading", () => {
    const c = loadVectors("reading").cases[1];
    const good = JSON.parse(encodeReadingPayload(Buffer.from(c.bytes + c.signature, "hex")));
    let accepted = 0;
    fc.assert(fc.property(fc.constantFrom(...Object.keys(good)), fc.jsonValue(), (key, value) => {
      const p = parsedOrRefused(JSON.stringify({ ...good, [key]: value }));
      if (p === undefined) return;
      accepted++;
      expect(Buffer.from(p.reading).toString("hex")).toBe(c.bytes);
      expect([0, 64]).toContain(p.signature.length);
    }), { numRuns: Number(process.env.SOLKIT_FUZZ_RUNS ?? 1000) });
    // Replacing "fields" by a value without lies ({} or null-free objects) is accepted, so some are.
    expect(accepted).toBeGreaterThan(0);
  });
});

describe("cmd and notice payloads", () => {
  it("cmd carries the downlink body", () => {
    const t = loadVectors("token").cases[0];
    const f = parseCmdPayload(encodeCmdPayload(Buffer.from(t.bytes, "hex")));
    expect(Buffer.from(f.message).toString("hex")).toBe(t.bytes);
  });
  it("notice round-trips and rejects bad shapes", () => {
    const n = { level: "warn" as const, code: "LOW_CREDIT", text: "2 days of credit left", time: 1767225600 };
    expect(parseNotice(encodeNotice(n))).toEqual(n);
    expect(() => parseNotice('{"level":"loud"}')).toThrow(SolkitError);
  });
});
