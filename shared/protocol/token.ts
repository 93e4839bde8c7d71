/**
 * The credit token (host → device): 92 bytes with a truncated HMAC, PROTOCOL.md section 4.
 * Decoding checks structure (and the canonical config encoding); verifyToken checks the
 * device id, the MAC and the counter and returns a verdict with a reason code.
 */
import { concat, copyInto, equalBytes, readU32, slice, writeU32 } from "../bytes";
import { SolkitError } from "../errors";
import type { HashFn } from "../crypto/types";
import { hmacSha256 } from "../crypto/hmac";
import {
  KIND_TOKEN, MAC_LENGTH, PROTOCOL_VERSION, TOKEN_MAC_PREFIX,
  checkBytes, checkHeader, checkInt, checkZero, errorCode,
} from "./common";

/** Bytes of an encoded token. */
export const TOKEN_LENGTH = 92;
const TOKEN_BODY = 76;
const CONFIG_AT = 44;
const CONFIG_SLOTS = 4;

/** Token kinds (byte 2). */
export const TOKEN_ADD_CREDIT = 1;
export const TOKEN_SET_CREDIT = 2;
export const TOKEN_UNLOCK = 3;
export const TOKEN_DISCONNECT = 4;
export const TOKEN_SET_CONFIG = 5;
/** Opens the device console (the interpreter REPL) for `amount` seconds, 1..3600 (PROTOCOL.md 5.5). */
export const TOKEN_MAINTENANCE = 6;
/** Longest maintenance window a token may open: one flash of the slowest board fits. */
export const MAINTENANCE_MAX_S = 3600;

/** Config keys (PROTOCOL.md 4.1) and their inclusive value ranges. */
export const CONFIG_INTERVAL_S = 1;
export const CONFIG_SIGN_EVERY = 2;
export const CONFIG_CREDIT_WARN_S = 3;
const CONFIG_MIN = [0, 1, 1, 0];
const CONFIG_MAX = [0, 86400, 65535, 4294967295];

/** One config key/value pair. */
export interface ConfigEntry {
  key: number;
  value: number;
}

/** Fields of a token. */
export interface Token {
  /** 1 add credit, 2 set credit, 3 unlock, 4 disconnect, 5 set config, 6 maintenance. */
  tokenKind: number;
  /** 32-byte Ed25519 public key of the device the token is for. */
  deviceId: Uint8Array;
  /** ≥ 1, strictly increasing per device. */
  counter: number;
  /** Seconds of supply for kinds 1 and 2, of open console for kind 6; 0 otherwise. */
  amount: number;
  /** Kind 5: 1..4 entries, keys strictly ascending; other kinds: empty. */
  config: ConfigEntry[];
  /** 16-byte truncated HMAC (as decoded, or as computed by encodeToken). */
  mac: Uint8Array;
}

/** Checks the kind-dependent rules shared by encoder and decoder. @throws SolkitError E_FIELD, E_RANGE */
function checkSemantics(kind: number, amount: number, config: ConfigEntry[]): void {
  if (kind < TOKEN_ADD_CREDIT || kind > TOKEN_MAINTENANCE) {
    throw new SolkitError("E_FIELD", `token.tokenKind: expected 1..6, got ${kind}`);
  }
  if (kind === TOKEN_MAINTENANCE && (amount < 1 || amount > MAINTENANCE_MAX_S)) {
    throw new SolkitError("E_RANGE", `token.amount: maintenance expects 1..${MAINTENANCE_MAX_S} seconds, got ${amount}`);
  }
  if (kind === TOKEN_ADD_CREDIT && amount < 1) {
    throw new SolkitError("E_RANGE", `token.amount: add credit expects 1..4294967295, got ${amount}`);
  }
  if (kind >= TOKEN_UNLOCK && kind <= TOKEN_SET_CONFIG && amount !== 0) {
    throw new SolkitError("E_RANGE", `token.amount: expected 0 for token kind ${kind}, got ${amount}`);
  }
  if (kind !== TOKEN_SET_CONFIG) {
    if (config.length !== 0) {
      throw new SolkitError("E_FIELD", `token.config: expected no entries for token kind ${kind}, got ${config.length}`);
    }
    return;
  }
  if (config.length < 1 || config.length > CONFIG_SLOTS) {
    throw new SolkitError("E_FIELD", `token.config: expected 1..${CONFIG_SLOTS} entries, got ${config.length}`);
  }
  let last = 0;
  for (let i = 0; i < config.length; i++) {
    const k = config[i].key;
    if (k <= last) throw new SolkitError("E_FIELD", `token.config: keys must be strictly ascending, got ${k} after ${last}`);
    if (k >= CONFIG_MIN.length) throw new SolkitError("E_FIELD", `token.config: unknown key ${k}`);
    checkInt(`token.config[${k}]`, config[i].value, CONFIG_MIN[k], CONFIG_MAX[k]);
    last = k;
  }
}

function tokenMac(key: Uint8Array, body: Uint8Array, hash?: HashFn): Uint8Array {
  return slice(hmacSha256(key, concat([TOKEN_MAC_PREFIX, body]), hash), 0, MAC_LENGTH);
}

/**
 * The 92 bytes of a token, MAC computed with the device key `key` (fields.mac is ignored).
 * @throws SolkitError E_RANGE, E_FIELD, E_LENGTH when a field or the key is malformed
 */
export function encodeToken(t: { tokenKind: number; deviceId: Uint8Array; counter: number; amount: number; config: ConfigEntry[] }, key: Uint8Array, hash?: HashFn): Uint8Array {
  checkInt("token.tokenKind", t.tokenKind, 0, 255);
  checkBytes("token.deviceId", t.deviceId, 32);
  checkInt("token.counter", t.counter, 1, 4294967295);
  checkInt("token.amount", t.amount, 0, 4294967295);
  checkSemantics(t.tokenKind, t.amount, t.config);
  checkBytes("token key", key, 32);
  const b = new Uint8Array(TOKEN_LENGTH);
  b[0] = KIND_TOKEN;
  b[1] = PROTOCOL_VERSION;
  b[2] = t.tokenKind;
  copyInto(b, 4, t.deviceId);
  writeU32(b, 36, t.counter);
  writeU32(b, 40, t.amount);
  for (let i = 0; i < t.config.length; i++) {
    writeU32(b, CONFIG_AT + 8 * i, t.config[i].key);
    writeU32(b, CONFIG_AT + 8 * i + 4, t.config[i].value);
  }
  copyInto(b, TOKEN_BODY, tokenMac(key, slice(b, 0, TOKEN_BODY), hash));
  return b;
}

/**
 * Fields of 92 token bytes (structure only; verifyToken checks MAC, device and counter).
 * @throws SolkitError E_LENGTH, E_KIND, E_VERSION, E_FIELD, E_RANGE
 */
export function decodeToken(b: Uint8Array): Token {
  checkHeader("token", b, KIND_TOKEN, TOKEN_LENGTH);
  checkZero("token.reserved", b[3]);
  const counter = readU32(b, 36);
  if (counter === 0) throw new SolkitError("E_RANGE", "token.counter: expected 1..4294967295, got 0");
  const config: ConfigEntry[] = [];
  let ended = false;
  for (let i = 0; i < CONFIG_SLOTS; i++) {
    const k = readU32(b, CONFIG_AT + 8 * i);
    const v = readU32(b, CONFIG_AT + 8 * i + 4);
    if (k === 0) {
      // An unused slot is all zero, and only unused slots follow it (canonical form).
      checkZero(`token.config slot ${i} value`, v);
      ended = true;
    } else if (ended) {
      throw new SolkitError("E_FIELD", `token.config: slot ${i} used after an empty slot`);
    } else {
      config.push({ key: k, value: v });
    }
  }
  const amount = readU32(b, 40);
  checkSemantics(b[2], amount, config);
  return {
    tokenKind: b[2],
    deviceId: slice(b, 4, 36),
    counter: counter,
    amount: amount,
    config: config,
    mac: slice(b, TOKEN_BODY, TOKEN_LENGTH),
  };
}

/** Outcome of verifyToken: `ok`, or the reason code of the first failed check. */
export interface TokenVerdict {
  ok: boolean;
  /** "" when ok; else a decode code, E_WRONG_DEVICE, E_BAD_MAC or E_REPLAY. */
  reason: string;
  /** Decoded fields when decoding succeeded. */
  token: Token | undefined;
}

/**
 * Device-side check of token bytes (PROTOCOL.md 4.2): decode, device id, MAC (constant
 * time), counter > `lastCounter` (the last accepted, persisted; 0 when none).
 * @throws SolkitError E_LENGTH only when `key` or `deviceId` is malformed (a caller bug)
 */
export function verifyToken(b: Uint8Array, key: Uint8Array, deviceId: Uint8Array, lastCounter: number, hash?: HashFn): TokenVerdict {
  checkBytes("token key", key, 32);
  checkBytes("deviceId", deviceId, 32);
  let t: Token;
  try {
    t = decodeToken(b);
  } catch (e) {
    return { ok: false, reason: errorCode(e), token: undefined };
  }
  if (!equalBytes(t.deviceId, deviceId)) return { ok: false, reason: "E_WRONG_DEVICE", token: t };
  if (!equalBytes(tokenMac(key, slice(b, 0, TOKEN_BODY), hash), t.mac)) return { ok: false, reason: "E_BAD_MAC", token: t };
  if (t.counter <= lastCounter) return { ok: false, reason: "E_REPLAY", token: t };
  return { ok: true, reason: "", token: t };
}
