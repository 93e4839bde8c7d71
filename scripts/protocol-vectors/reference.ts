/**
 * Reference encoders for the protocol vectors, written straight from PROTOCOL.md with Node's
 * Buffer, node:crypto and tweetnacl, and sharing no code with shared/protocol: the vectors are
 * only worth something if the codec under test did not produce them itself.
 */
import { createHash, createHmac } from "node:crypto";
import nacl from "tweetnacl";

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
export const unhex = (s: string): Buffer => Buffer.from(s, "hex");
export const sha256Hex = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Deterministic 32 bytes from a label (the vectors' fixed seed). */
export function seeded(label: string): Buffer {
  return createHash("sha256").update(`solkit protocol vectors: ${label}`).digest();
}

export interface RefKeys {
  publicKey: Buffer;
  secretKey: Uint8Array;
  macKey: Buffer;
}

export function deviceKeys(label: string): RefKeys {
  const kp = nacl.sign.keyPair.fromSeed(seeded(`${label} ed25519 seed`));
  return { publicKey: Buffer.from(kp.publicKey), secretKey: kp.secretKey, macKey: seeded(`${label} mac key`) };
}

/** Reading fields as they appear in vector JSON (byte strings as hex). */
export interface RefReading {
  flags: number;
  timeQuality: number;
  relay: number;
  outbox: number;
  deviceId: string;
  seq: number;
  dropped: number;
  time: number;
  uptime: number;
  boot: number;
  interval: number;
  energyIn: number;
  energyOut: number;
  power: number;
  credit: number;
  prev: string;
}

/** PROTOCOL.md section 2, field by field. */
export function refReading(f: RefReading): Buffer {
  const b = Buffer.alloc(120);
  b.writeUInt8(0x01, 0);
  b.writeUInt8(1, 1);
  b.writeUInt16LE(f.flags, 2);
  b.writeUInt8(f.timeQuality, 4);
  b.writeUInt8(f.relay, 5);
  b.writeUInt16LE(f.outbox, 6);
  unhex(f.deviceId).copy(b, 8);
  b.writeUInt32LE(f.seq, 40);
  b.writeUInt32LE(f.dropped, 44);
  b.writeUInt32LE(f.time, 48);
  b.writeUInt32LE(f.uptime, 52);
  b.writeUInt32LE(f.boot, 56);
  b.writeUInt32LE(f.interval, 60);
  b.writeBigUInt64LE(BigInt(f.energyIn), 64);
  b.writeBigUInt64LE(BigInt(f.energyOut), 72);
  b.writeInt32LE(f.power, 80);
  b.writeUInt32LE(f.credit, 84);
  unhex(f.prev).copy(b, 88);
  return b;
}

export function refSign(bytes: Uint8Array, secretKey: Uint8Array): Buffer {
  const input = Buffer.concat([Buffer.from("solkit/v1/reading\0", "ascii"), bytes]);
  return Buffer.from(nacl.sign.detached(input, secretKey));
}

export function refMac(prefix: string, key: Uint8Array, body: Uint8Array): Buffer {
  return createHmac("sha256", key).update(Buffer.from(prefix, "ascii")).update(body).digest().subarray(0, 16);
}

/** PROTOCOL.md section 3. */
export function refAck(deviceId: string, seq: number, hostTime: number, key: Uint8Array): Buffer {
  const b = Buffer.alloc(44);
  b.writeUInt8(0x02, 0);
  b.writeUInt8(1, 1);
  unhex(deviceId).copy(b, 4);
  b.writeUInt32LE(seq, 36);
  b.writeUInt32LE(hostTime, 40);
  return Buffer.concat([b, refMac("solkit/v1/ack\0", key, b)]);
}

/** PROTOCOL.md section 4. */
export function refToken(
  kind: number, deviceId: string, counter: number, amount: number,
  config: { key: number; value: number }[], key: Uint8Array,
): Buffer {
  const b = Buffer.alloc(76);
  b.writeUInt8(0x03, 0);
  b.writeUInt8(1, 1);
  b.writeUInt8(kind, 2);
  unhex(deviceId).copy(b, 4);
  b.writeUInt32LE(counter, 36);
  b.writeUInt32LE(amount, 40);
  config.forEach((e, i) => {
    b.writeUInt32LE(e.key, 44 + 8 * i);
    b.writeUInt32LE(e.value, 48 + 8 * i);
  });
  return Buffer.concat([b, refMac("solkit/v1/token\0", key, b)]);
}

/** CRC-16/XMODEM, bit by bit (poly 0x1021, init 0). Check: "123456789" → 0x31c3. */
export function refCrc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** `<base64>*<crc>` of PROTOCOL.md 5.1. */
export function refBody(frame: Uint8Array): string {
  const text = Buffer.from(frame).toString("base64");
  const crc = refCrc16(Buffer.from(text, "ascii"));
  return `${text}*${crc.toString(16).padStart(4, "0")}`;
}
