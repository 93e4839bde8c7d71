/**
 * A device's MQTT password (PROTOCOL.md 6.3): derived from its host key K, so provisioning that
 * gives the device K also gives it broker credentials, and the host checks them from its
 * registry without keeping another secret. User name: the device's `G…` id; password: 32 hex
 * digits, the first 16 bytes of HMAC-SHA-256(K, "solkit/v1/mqtt\0").
 * Portable: a device on Wi-Fi computes it with its own HMAC.
 */
import { fromAscii, slice, toHex } from "../bytes";
import { hmacSha256 } from "../crypto/hmac";
import type { HashFn } from "../crypto/types";

/** The MQTT password of the device whose host key is `hostKey`. */
export function mqttPassword(hostKey: Uint8Array, hash?: HashFn): string {
  return toHex(slice(hmacSha256(hostKey, fromAscii("solkit/v1/mqtt\u0000"), hash), 0, 16));
}
