/**
 * Replacing a device's host key (PROTOCOL.md 4.4): the new key travels with a MAC made with the
 * old one, so only whoever holds the old key — the host, from its registry — can change it. A
 * customer at the USB console who sets a key of their own to mint tokens is refused (issue 11);
 * the only other way is a full erase, which erases credit too.
 *
 * Portable code: see docs/portability.md.
 */
import { concat, equalBytes, slice } from "../bytes";
import { hmacSha256 } from "../crypto/hmac";
import type { HashFn } from "../crypto/types";
import { HOST_KEY_MAC_PREFIX, MAC_LENGTH } from "./common";

/** MAC_LENGTH bytes: HMAC-SHA-256(old key, "solkit/v1/host-key\0" ‖ new key), truncated. */
export function hostKeyChangeMac(oldKey: Uint8Array, newKey: Uint8Array, hash?: HashFn): Uint8Array {
  return slice(hmacSha256(oldKey, concat([HOST_KEY_MAC_PREFIX, newKey]), hash), 0, MAC_LENGTH);
}

/** True when `mac` is the old key's MAC over the new key. */
export function checkHostKeyChange(oldKey: Uint8Array, newKey: Uint8Array, mac: Uint8Array, hash?: HashFn): boolean {
  return mac.length === MAC_LENGTH && equalBytes(hostKeyChangeMac(oldKey, newKey, hash), mac);
}
