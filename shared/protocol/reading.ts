/**
 * The reading (device → host): 120 canonical bytes, PROTOCOL.md section 2.
 * Strict both ways: the encoder refuses out-of-range fields, the decoder refuses any byte
 * string that the encoder would not have produced, so bytes ↔ fields is one-to-one and the
 * hash chain and signature mean exactly one set of fields.
 */
import { concat, copyInto, readU16, readU32, readU53, slice, writeU16, writeU32, writeU53 } from "../bytes";
import { SolkitError } from "../errors";
import type { HashFn } from "../crypto/types";
import { sha256 } from "../crypto/sha256";
import {
  KIND_READING, MAX_U53, PROTOCOL_VERSION, READING_SIGN_PREFIX,
  checkBytes, checkHeader, checkInt, readI32, writeI32,
} from "./common";

/** Bytes of an encoded reading. */
export const READING_LENGTH = 120;
/** Where the u32 sequence number sits in the reading bytes: the outbox finds a stored reading by it without decoding the rest. */
export const READING_SEQ_AT = 40;
/** Bytes of an Ed25519 signature. */
export const SIGNATURE_LENGTH = 64;

/** Flag bits (PROTOCOL.md section 2). */
export const FLAG_PULSES_LOST = 0x0001;
export const FLAG_TAMPER = 0x0002;
export const FLAG_UNLOCKED = 0x0004;
export const FLAG_FIRST_AFTER_BOOT = 0x0008;
export const FLAG_CLOCK_STEPPED = 0x0010;
/** All defined flag bits; any other bit set is rejected. */
export const FLAGS_KNOWN = 0x001f;
// The complement as a constant: `~` is 64 bits wide in Lua (docs/portability.md).
const FLAGS_UNKNOWN = 0xffe0;

/** timeQuality values. */
export const TIME_UNKNOWN = 0;
export const TIME_FROM_HOST = 1;
export const TIME_NTP = 2;

/** Fields of a reading; units as in PROTOCOL.md section 2. */
export interface Reading {
  flags: number;
  /** 0 clock unknown, 1 set from host, 2 NTP. */
  timeQuality: number;
  /** 0 open (load off), 1 closed (load on). */
  relay: number;
  /** Readings in the device's outbox not yet acknowledged, this one not counted; 65535 = that many or more. */
  outbox: number;
  /** 32-byte Ed25519 public key. */
  deviceId: Uint8Array;
  seq: number;
  /** Sequence numbers skipped just before this reading (outbox tail drops, lost reservations). */
  dropped: number;
  /** Unix seconds. */
  time: number;
  /** Seconds since boot. */
  uptime: number;
  boot: number;
  /** Seconds covered by this reading. */
  interval: number;
  /** Imported energy register, mWh. */
  energyIn: number;
  /** Exported energy register, mWh. */
  energyOut: number;
  /** Mean power over the interval, mW, positive = import. */
  power: number;
  /** Remaining credit, seconds of supply. */
  credit: number;
  /** SHA-256 of the previous reading's bytes; 32 zero bytes for the first. */
  prev: Uint8Array;
}

const U32 = 4294967295;

function checkFields(r: Reading): void {
  checkInt("reading.flags", r.flags, 0, 65535);
  if ((r.flags & FLAGS_UNKNOWN) !== 0) {
    throw new SolkitError("E_FIELD", `reading.flags: unknown bits set in ${r.flags} (known mask ${FLAGS_KNOWN})`);
  }
  checkInt("reading.timeQuality", r.timeQuality, 0, 2);
  checkInt("reading.relay", r.relay, 0, 1);
  checkInt("reading.outbox", r.outbox, 0, 65535);
  checkBytes("reading.deviceId", r.deviceId, 32);
  checkInt("reading.seq", r.seq, 0, U32);
  checkInt("reading.dropped", r.dropped, 0, U32);
  checkInt("reading.time", r.time, 0, U32);
  checkInt("reading.uptime", r.uptime, 0, U32);
  checkInt("reading.boot", r.boot, 0, U32);
  checkInt("reading.interval", r.interval, 0, U32);
  checkInt("reading.energyIn", r.energyIn, 0, MAX_U53);
  checkInt("reading.energyOut", r.energyOut, 0, MAX_U53);
  checkInt("reading.power", r.power, -2147483648, 2147483647);
  checkInt("reading.credit", r.credit, 0, U32);
  checkBytes("reading.prev", r.prev, 32);
}

/**
 * The 120 canonical bytes of a reading.
 * @throws SolkitError E_RANGE, E_FIELD, E_LENGTH when a field is out of range
 */
export function encodeReading(r: Reading): Uint8Array {
  checkFields(r);
  const b = new Uint8Array(READING_LENGTH);
  b[0] = KIND_READING;
  b[1] = PROTOCOL_VERSION;
  writeU16(b, 2, r.flags);
  b[4] = r.timeQuality;
  b[5] = r.relay;
  writeU16(b, 6, r.outbox);
  copyInto(b, 8, r.deviceId);
  writeU32(b, READING_SEQ_AT, r.seq);
  writeU32(b, 44, r.dropped);
  writeU32(b, 48, r.time);
  writeU32(b, 52, r.uptime);
  writeU32(b, 56, r.boot);
  writeU32(b, 60, r.interval);
  writeU53(b, 64, r.energyIn);
  writeU53(b, 72, r.energyOut);
  writeI32(b, 80, r.power);
  writeU32(b, 84, r.credit);
  copyInto(b, 88, r.prev);
  return b;
}

/** Reads a u64 field that must stay below 2^53. @throws SolkitError E_RANGE */
function readRegister(what: string, b: Uint8Array, at: number): number {
  // High word above 0x1fffff means the value is 2^53 or more: not exact in a double.
  const hi = readU32(b, at + 4);
  if (hi > 0x1fffff) throw new SolkitError("E_RANGE", `${what}: expected a value below 2^53, high word ${hi}`);
  return readU53(b, at);
}

/**
 * Fields of 120 reading bytes.
 * @throws SolkitError E_LENGTH, E_KIND, E_VERSION, E_FIELD (unknown flag or
 *   enumeration value), E_RANGE (register ≥ 2^53)
 */
export function decodeReading(b: Uint8Array): Reading {
  checkHeader("reading", b, KIND_READING, READING_LENGTH);
  const flags = readU16(b, 2);
  if ((flags & FLAGS_UNKNOWN) !== 0) {
    throw new SolkitError("E_FIELD", `reading.flags: unknown bits set in ${flags} (known mask ${FLAGS_KNOWN})`);
  }
  if (b[4] > 2) throw new SolkitError("E_FIELD", `reading.timeQuality: expected 0..2, got ${b[4]}`);
  if (b[5] > 1) throw new SolkitError("E_FIELD", `reading.relay: expected 0 or 1, got ${b[5]}`);
  return {
    flags: flags,
    timeQuality: b[4],
    relay: b[5],
    outbox: readU16(b, 6),
    deviceId: slice(b, 8, 40),
    seq: readU32(b, READING_SEQ_AT),
    dropped: readU32(b, 44),
    time: readU32(b, 48),
    uptime: readU32(b, 52),
    boot: readU32(b, 56),
    interval: readU32(b, 60),
    energyIn: readRegister("reading.energyIn", b, 64),
    energyOut: readRegister("reading.energyOut", b, 72),
    power: readI32(b, 80),
    credit: readU32(b, 84),
    prev: slice(b, 88, 120),
  };
}

/** SHA-256 of reading bytes: the next reading's `prev`. `hash` lets a device use its native SHA-256. */
export function readingHash(bytes: Uint8Array, hash?: HashFn): Uint8Array {
  return hash ? hash(bytes) : sha256(bytes);
}

/**
 * The bytes an Ed25519 signature of a reading covers: "solkit/v1/reading\0" || bytes.
 * @throws SolkitError E_LENGTH unless `bytes` is 120 bytes
 */
export function readingSigningInput(bytes: Uint8Array): Uint8Array {
  checkBytes("reading", bytes, READING_LENGTH);
  return concat([READING_SIGN_PREFIX, bytes]);
}
