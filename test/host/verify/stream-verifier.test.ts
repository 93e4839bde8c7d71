/**
 * The stream verifier behind `solkit verify` and the monitor: a signed copy of a reading whose
 * unsigned copy came first still proves the chain (issue 11, F1).
 */
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "../../../shared/protocol/frame";
import { nodeVerifier } from "../../../host/crypto/node-verifier";
import { StreamVerifier } from "../../../host/verify/stream-verifier";
import { TestDevice } from "../gateway/helpers";

describe("StreamVerifier", () => {
  it("a signed copy of a pending reading is verified in its place", () => {
    const dev = new TestDevice();
    const v = new StreamVerifier<string>(nodeVerifier);
    const r0 = decodeFrame(dev.next({ sign: false }));
    const r1 = decodeFrame(dev.next({ sign: false }));
    const r2 = decodeFrame(dev.next({ sign: false }));
    const signed1 = decodeFrame(encodeFrame(r1.message, dev.sign(r1.message)));
    expect([...v.add(r0, "r0"), ...v.add(r1, "r1"), ...v.add(r2, "r2")]).toEqual([]);
    const out = v.add(signed1, "signed1");
    expect(out.map((x) => [x.ref, x.status])).toEqual([["signed1", "duplicate"], ["r0", "valid"], ["r1", "valid"]]);
    expect(v.finish().map((x) => [x.ref, x.status])).toEqual([["r2", "unproven"]]);
    // The unsigned copy again changes nothing.
    expect(v.add(r1, "again").map((x) => x.status)).toEqual(["duplicate"]);
  });
});
