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

  it("garbage only throws SolkitError", () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
      try {
        parseReadingPayload(s);
      } catch (e) {
        expect(e).toBeInstanceOf(SolkitError);
      }
    }), { numRuns: 1000 });
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
