import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeReading, decodeReading, readingHash, readingSigningInput } from "../../../shared/protocol/reading";
import { encodeFrame } from "../../../shared/protocol/frame";
import { readingPayloadJson } from "../../../shared/protocol/payload";
import { encodePublicKey } from "../../../shared/crypto/strkey";
import { relayPayload } from "../../../host/protocol/relay-payload";
import { deviceIdOf } from "../../../host/crypto/device-id";
import { readingArb } from "../../shared/protocol/arbitraries";
import { naclSigner } from "../../shared/protocol/helpers";

describe("the gateway's relay payload (native codecs, parts already decoded)", () => {
  it("is byte for byte the portable builder's payload, signed or not, for any reading and key", () => {
    fc.assert(fc.property(readingArb, fc.boolean(), fc.uint8Array({ minLength: 32, maxLength: 32 }), (r, signed, seed) => {
      const signer = naclSigner(seed);
      const bytes = encodeReading({ ...r, deviceId: signer.publicKey });
      const sig = signed ? signer.sign(readingSigningInput(bytes)) : new Uint8Array(0);
      const framed = encodeFrame(bytes, signed ? sig : undefined);
      // Views into a larger buffer, as the line parser hands frames over (byteOffset ≠ 0).
      const big = new Uint8Array(5 + bytes.length + sig.length + 5);
      big.set(bytes, 5);
      big.set(sig, 5 + bytes.length);
      const bytesView = big.subarray(5, 5 + bytes.length);
      const sigView = big.subarray(5 + bytes.length, 5 + bytes.length + sig.length);
      const reading = decodeReading(bytes);
      const id = deviceIdOf(reading.deviceId);
      expect(id).toBe(encodePublicKey(signer.publicKey));
      expect(relayPayload(id, reading, bytesView, sigView, readingHash(bytes))).toBe(readingPayloadJson(framed));
    }), { numRuns: 300 });
  });
});
