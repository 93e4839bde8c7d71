/** Human words for verdicts and reason codes, shared by `solkit verify` and the monitor. */
import { toHex } from "../../shared/bytes";
import type { Reading } from "../../shared/protocol/reading";
import type { Verdict } from "./stream-verifier";

const REASONS: Record<string, string> = {
  E_CRC: "line checksum does not match (corrupted on the wire)",
  E_BASE64: "frame body is not valid base64",
  E_FRAME: "marked line is not a well-formed frame",
  E_LINE_TOO_LONG: "line longer than any frame; dropped",
  E_LENGTH: "wrong length for its kind",
  E_KIND: "unknown message kind",
  E_VERSION: "unsupported protocol version",
  E_FIELD: "a field holds a value the protocol does not allow",
  E_RANGE: "a field is out of range",
  E_PAYLOAD: "MQTT payload is malformed or disagrees with its signed bytes",
  E_BAD_SIGNATURE: "signature does not verify against the device id",
  E_CHAIN_BROKEN: "prev hash does not match the reading before it",
  E_GAP: "sequence jumps without a matching dropped count",
  E_REPLAY: "sequence number already seen (replay or regression)",
  E_WRONG_DEVICE: "belongs to another device",
  E_BAD_MAC: "MAC does not verify with the given key",
  E_STRKEY: "malformed device id",
};

/** One phrase for a reason code; unknown codes are shown as they are. */
export function explain(code: string | undefined): string {
  if (!code) return "";
  return REASONS[code] ? `${code}: ${REASONS[code]}` : code;
}

/** A device id shortened for a terminal line: first 6 and last 4 characters. */
export function shortId(id: string | undefined): string {
  return id ? `${id.slice(0, 6)}…${id.slice(-4)}` : "";
}

/** mWh as Wh with three decimals (the register's full resolution). */
export function wattHours(mWh: number): string {
  return `${(mWh / 1000).toFixed(3)} Wh`;
}

/** Seconds of credit as "2h05m" or "45s". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(seconds % 60).padStart(2, "0")}s`;
}

/** The decoded fields of a reading, one line. */
export function readingSummary(r: Reading): string {
  return (
    `seq ${r.seq}  in ${wattHours(r.energyIn)}  out ${wattHours(r.energyOut)}  ` +
    `${(r.power / 1000).toFixed(1)} W  relay ${r.relay ? "on" : "off"}  credit ${duration(r.credit)}`
  );
}

/** A JSON-friendly copy of a reading (bytes as hex). */
export function readingJson(r: Reading): Record<string, unknown> {
  return { ...r, deviceId: undefined, prev: toHex(r.prev) };
}

/** The one-line text of a verdict, without the leading mark and line number. */
export function verdictText<R>(v: Verdict<R>): string {
  const who = v.device ? `${shortId(v.device)}  ` : "";
  if (v.kind === "reading" && v.reading) {
    const tail = v.status === "valid" ? `  (signed at seq ${v.by})` : `  ${v.status === "invalid" ? explain(v.reason) : v.reason}`;
    return `reading ${who}${readingSummary(v.reading)}${tail}`;
  }
  if (v.kind === "ack" && v.ack) return `ack ${who}stored up to seq ${v.ack.seq}${v.reason ? "  " + explain(v.reason) : ""}`;
  if (v.kind === "token" && v.token) {
    return `token ${who}kind ${v.token.tokenKind} counter ${v.token.counter} amount ${v.token.amount}${v.reason ? "  " + explain(v.reason) : ""}`;
  }
  return `not a frame  ${explain(v.reason)}`;
}
