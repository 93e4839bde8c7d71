import { describe, expect, it } from "vitest";
import nacl from "tweetnacl";
import { fromHex, concat } from "../../../shared/bytes";
import { READING_SIGN_PREFIX } from "../../../shared/protocol/common";
import { runAckVectors } from "../../../shared/selftest/ack";
import { runChainVectors } from "../../../shared/selftest/chain";
import { runFrameVectors } from "../../../shared/selftest/frame";
import { runReadingVectors } from "../../../shared/selftest/reading";
import { runTokenVectors } from "../../../shared/selftest/token";
import { loadVectors, naclVerifier } from "./helpers";

const runners: [string, (cases: any[]) => { name: string; ok: boolean; detail: string }[]][] = [
  ["reading", runReadingVectors],
  ["ack", runAckVectors],
  ["token", runTokenVectors],
  ["frame", runFrameVectors],
  ["chain", (c) => runChainVectors(c)],
];

describe("protocol golden vectors through the portable runners", () => {
  for (const [kind, run] of runners) {
    it(`${kind}.json: every case ok`, () => {
      const file = loadVectors(kind);
      expect(file.kind).toBe(kind);
      const failed = run(file.cases).filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
      expect(failed).toEqual([]);
      expect(JSON.stringify(file)).not.toContain("null");
    });
  }

  it("chain.json with real Ed25519 (tweetnacl) as the Verifier", () => {
    const failed = runChainVectors(loadVectors("chain").cases, naclVerifier).filter((r) => !r.ok);
    expect(failed).toEqual([]);
  });

  it("reading.json signatures verify with tweetnacl over prefix || bytes", () => {
    const signed = loadVectors("reading").cases.filter((c) => c.signature);
    expect(signed.length).toBeGreaterThan(2);
    for (const c of signed) {
      const input = concat([READING_SIGN_PREFIX, fromHex(c.bytes)!]);
      expect(nacl.sign.detached.verify(input, fromHex(c.signature)!, fromHex(c.fields.deviceId)!)).toBe(true);
    }
  });

  it("a runner reports a wrong expectation as a failed case", () => {
    const cases = loadVectors("reading").cases.slice(0, 1).map((c) => ({ ...c, hash: "00" }));
    expect(runReadingVectors(cases)[0].ok).toBe(false);
  });
});
