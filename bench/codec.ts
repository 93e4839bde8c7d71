/** Codec throughput: what one reading costs to encode, decode, frame and parse on the host. */
import { opsPerSecond, type Row } from "./harness";
import { encodeReading, decodeReading, readingHash, type Reading } from "../shared/protocol/reading";
import { LineParser, encodeFrame, encodeUplinkLine } from "../shared/protocol/frame";
import { encodeToken, verifyToken, TOKEN_ADD_CREDIT } from "../shared/protocol/token";
import { readingPayloadJson } from "../shared/protocol/payload";

export function codecRows(): Row[] {
  const deviceId = new Uint8Array(32).fill(0x42);
  const reading: Reading = {
    flags: 0, timeQuality: 1, relay: 1, outbox: 0, deviceId, seq: 1234, dropped: 0, time: 1_790_000_000, uptime: 86_400,
    boot: 3, interval: 60, energyIn: 123_456_789, energyOut: 0, power: 312_000, credit: 3600, prev: new Uint8Array(32),
  };
  const bytes = encodeReading(reading);
  const frame = encodeFrame(bytes, new Uint8Array(64).fill(9));
  const line = encodeUplinkLine(frame);
  const key = new Uint8Array(32).fill(1);
  const token = encodeToken({ tokenKind: TOKEN_ADD_CREDIT, deviceId, counter: 5, amount: 3600, config: [] }, key);
  const parser = new LineParser();

  const section = "codec";
  const enc = opsPerSecond(() => encodeReading(reading));
  const rows: Row[] = [{ section, name: "reading encode (baseline)", value: enc, unit: "op/s", ratio: 1 }];
  const add = (name: string, fn: () => void) => {
    const v = opsPerSecond(fn);
    rows.push({ section, name, value: v, unit: "op/s", ratio: v / enc });
  };
  add("reading decode", () => decodeReading(bytes));
  add("reading hash (chain link)", () => readingHash(bytes));
  add("serial line encode", () => encodeUplinkLine(frame));
  add("serial line parse + decode", () => parser.push(line));
  add("MQTT JSON payload build", () => readingPayloadJson(frame));
  add("token encode (HMAC)", () => encodeToken({ tokenKind: TOKEN_ADD_CREDIT, deviceId, counter: 5, amount: 3600, config: [] }, key));
  add("token verify (HMAC)", () => verifyToken(token, key, deviceId, 4));
  return rows;
}
