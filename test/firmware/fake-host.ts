/**
 * The host side for the device tests: reads the device's link lines, verifies them with the
 * real `solkit verify` engine (StreamVerifier + nodeVerifier) and answers with acks.
 */
import { nodeVerifier } from "../../host/crypto/node-verifier";
import { StreamVerifier, type Verdict } from "../../host/verify/stream-verifier";
import { encodeAck } from "../../shared/protocol/ack";
import { decodeFrameBody, encodeFrameBody, type Frame, LINE_PREFIX } from "../../shared/protocol/frame";
import { decodeReading, type Reading } from "../../shared/protocol/reading";
import { encodeToken, type ConfigEntry } from "../../shared/protocol/token";

export const HOST_KEY = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
export const HOST_KEY_HEX = Buffer.from(HOST_KEY).toString("hex");

/** Frames of the lines a device sent (only machine lines). */
export function framesOf(lines: string[]): Frame[] {
  return lines.filter((l) => l.startsWith(LINE_PREFIX)).map((l) => decodeFrameBody(l.substring(LINE_PREFIX.length)));
}

export function readingsOf(lines: string[]): { reading: Reading; signed: boolean; bytes: Uint8Array }[] {
  return framesOf(lines).map((f) => ({ reading: decodeReading(f.message), signed: f.signature.length > 0, bytes: f.message }));
}

/** Verifies lines; duplicates of a seq already seen (re-sends) are skipped, as a host drops them. */
export class FakeHost {
  readonly verifier = new StreamVerifier<number>(nodeVerifier);
  verdicts: Verdict<number>[] = [];
  private seen = new Map<number, string>();
  /** Highest seq authenticated. */
  authenticated = -1;
  consumed = 0;
  duplicates = 0;
  mismatches = 0;

  /** Takes the lines not seen yet from `sent`. */
  take(sent: string[]): void {
    for (; this.consumed < sent.length; this.consumed++) {
      const line = sent[this.consumed];
      if (!line.startsWith(LINE_PREFIX)) continue;
      const frame = decodeFrameBody(line.substring(LINE_PREFIX.length));
      const r = decodeReading(frame.message);
      const hex = Buffer.from(frame.message).toString("hex");
      const before = this.seen.get(r.seq);
      if (before !== undefined) {
        if (before !== hex) this.mismatches++;
        this.duplicates++;
        // A re-sent reading may now carry the signature it lacked; the verifier needs it once.
        if (frame.signature.length === 0 || r.seq <= this.authenticated) continue;
      }
      this.seen.set(r.seq, hex);
      const vs = this.verifier.add(frame, this.consumed);
      for (const v of vs) {
        this.verdicts.push(v);
        if (v.status === "valid" && v.reading && v.reading.seq > this.authenticated) this.authenticated = v.reading.seq;
      }
    }
  }

  invalid(): Verdict<number>[] {
    return this.verdicts.filter((v) => v.status === "invalid");
  }

  valid(): number {
    return this.verdicts.filter((v) => v.status === "valid").length;
  }
}

/** The downlink body of an ack for `deviceId`, MACed with `key`. */
export function ackBody(deviceId: Uint8Array, seq: number, hostTime = 0, key = HOST_KEY): string {
  return encodeFrameBody(encodeAck({ deviceId, seq, hostTime }, key));
}

/** The downlink body of a token. */
export function tokenBody(deviceId: Uint8Array, counter: number, tokenKind: number, amount: number, config: ConfigEntry[] = [], key = HOST_KEY): string {
  return encodeFrameBody(encodeToken({ tokenKind, deviceId, counter, amount, config }, key));
}
