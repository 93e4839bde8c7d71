/** The device MQTT password (PROTOCOL.md 6.3) against node:crypto's HMAC, and its worked example. */
import { createHmac } from "node:crypto";
import { expect, it } from "vitest";
import { mqttPassword } from "../../../shared/protocol/mqtt-auth";

it("is the first 16 bytes of HMAC-SHA-256(K, \"solkit/v1/mqtt\\0\") in lower-case hex", () => {
  for (const fill of [0, 0x44, 0xff]) {
    const k = new Uint8Array(32).fill(fill);
    const want = createHmac("sha256", k).update(Buffer.from("solkit/v1/mqtt\0", "latin1")).digest().subarray(0, 16).toString("hex");
    expect(mqttPassword(k)).toBe(want);
  }
  const K = Buffer.from("eca2ac4b5a9b63f5c21b79338ac5a53b12882db45dac50a578b8023245386418", "hex"); // PROTOCOL.md 8.2's K
  expect(mqttPassword(K)).toBe(createHmac("sha256", K).update("solkit/v1/mqtt\0").digest().subarray(0, 16).toString("hex"));
});
