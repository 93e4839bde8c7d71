/**
 * SHA-256 through node:crypto (OpenSSL): the portable shared/ one is several times slower, and
 * hosts have OpenSSL. The one-shot `crypto.hash` (Node ≥ 20.12) rather than a Hash object per
 * call: every Hash object is a weakly held native handle, and the gateway's scavenges spent half
 * their pause processing thousands of dead ones a second (bench/gateway.ts, --trace-gc-nvp).
 */
import { hash } from "node:crypto";

export const nodeSha256 = (data: Uint8Array): Uint8Array => {
  const d = hash("sha256", data, "buffer") as unknown as Buffer;
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
};
