/**
 * The ack (host → device): 60 bytes with a truncated HMAC, PROTOCOL.md section 3.
 * An ack makes the device delete readings, so it is authenticated with the per-device key.
 */
import { concat, copyInto, equalBytes, readU16, readU32, slice, writeU32 } from "../bytes";
import type { HashFn } from "../crypto/types";
import { hmacSha256 } from "../crypto/hmac";
import {
  ACK_MAC_PREFIX, KIND_ACK, MAC_LENGTH, PROTOCOL_VERSION,
  checkBytes, checkHeader, checkInt, checkZero, errorCode,
} from "./common";

/** Bytes of an encoded ack. */
export const ACK_LENGTH = 60;
/** Bytes the MAC covers (after the prefix): everything before the MAC. */
const ACK_BODY = 44;

/** Fields of an ack. */
export interface Ack {
  /** 32-byte Ed25519 public key of the device the ack is for. */
  deviceId: Uint8Array;
  /** Highest sequence number the host stored durably. */
  seq: number;
  /** Host Unix time in seconds, 0 = not given. */
  hostTime: number;
  /** 16-byte truncated HMAC; as decoded, or as computed by encodeAck. */
  mac: Uint8Array;
}

/** The MAC of ack body bytes (the first 44). */
function ackMac(key: Uint8Array, body: Uint8Array, hash?: HashFn): Uint8Array {
  return slice(hmacSha256(key, concat([ACK_MAC_PREFIX, body]), hash), 0, MAC_LENGTH);
}

/**
 * The 60 bytes of an ack, MAC computed with the device key `key` (fields.mac is ignored).
 * @throws SolkitError E_RANGE, E_LENGTH when a field or the key is malformed
 */
export function encodeAck(fields: { deviceId: Uint8Array; seq: number; hostTime: number }, key: Uint8Array, hash?: HashFn): Uint8Array {
  checkBytes("ack.deviceId", fields.deviceId, 32);
  checkInt("ack.seq", fields.seq, 0, 4294967295);
  checkInt("ack.hostTime", fields.hostTime, 0, 4294967295);
  checkBytes("ack key", key, 32);
  const b = new Uint8Array(ACK_LENGTH);
  b[0] = KIND_ACK;
  b[1] = PROTOCOL_VERSION;
  copyInto(b, 4, fields.deviceId);
  writeU32(b, 36, fields.seq);
  writeU32(b, 40, fields.hostTime);
  copyInto(b, ACK_BODY, ackMac(key, slice(b, 0, ACK_BODY), hash));
  return b;
}

/**
 * Fields of 60 ack bytes (structure only; the MAC is checked by verifyAck).
 * @throws SolkitError E_LENGTH, E_KIND, E_VERSION, E_FIELD (reserved bytes not zero)
 */
export function decodeAck(b: Uint8Array): Ack {
  checkHeader("ack", b, KIND_ACK, ACK_LENGTH);
  checkZero("ack.reserved", readU16(b, 2));
  return {
    deviceId: slice(b, 4, 36),
    seq: readU32(b, 36),
    hostTime: readU32(b, 40),
    mac: slice(b, ACK_BODY, ACK_LENGTH),
  };
}

/** Outcome of verifyAck: `ok`, or the reason code of the first failed check. */
export interface AckVerdict {
  ok: boolean;
  /** "" when ok; else E_LENGTH/E_KIND/E_VERSION/E_FIELD, E_WRONG_DEVICE, E_BAD_MAC, E_RANGE. */
  reason: string;
  /** Decoded fields when decoding succeeded. */
  ack: Ack | undefined;
}

/**
 * Device-side check of ack bytes, in PROTOCOL.md section 3 order: decode, device id, MAC
 * (constant time), seq ≤ the newest sequence number the device has stored.
 * Returns a verdict rather than throwing, so a device can count reasons.
 * @throws SolkitError E_LENGTH only when `deviceId` or `key` is malformed (a caller bug)
 */
export function verifyAck(b: Uint8Array, key: Uint8Array, deviceId: Uint8Array, newestSeq: number, hash?: HashFn): AckVerdict {
  checkBytes("ack key", key, 32);
  checkBytes("deviceId", deviceId, 32);
  let ack: Ack;
  try {
    ack = decodeAck(b);
  } catch (e) {
    return { ok: false, reason: errorCode(e), ack: undefined };
  }
  if (!equalBytes(ack.deviceId, deviceId)) return { ok: false, reason: "E_WRONG_DEVICE", ack: ack };
  if (!equalBytes(ackMac(key, slice(b, 0, ACK_BODY), hash), ack.mac)) return { ok: false, reason: "E_BAD_MAC", ack: ack };
  if (ack.seq > newestSeq) return { ok: false, reason: "E_RANGE", ack: ack };
  return { ok: true, reason: "", ack: ack };
}
