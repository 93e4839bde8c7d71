/**
 * A protocol analyser on one device's serial line: it reads what the host's port reads, checks
 * every reading with the host's own stream verifier (host/verify/stream-verifier.ts) and keeps
 * what the scenario's expectations ask about — verified readings in the order they were
 * proven, rejections with their reasons, line errors, and what the device said about the
 * frames it was sent ("rx token rejected: E_REPLAY", "relay open (load off)").
 * The light host acks from it; with the real gateway it only watches.
 */
import { createHash } from "node:crypto";
import { nodeVerifier } from "../../host/crypto/node-verifier";
import { StreamVerifier, type Verdict } from "../../host/verify/stream-verifier";
import { KIND_READING } from "../../shared/protocol/common";
import { LineParser } from "../../shared/protocol/frame";
import type { Reading } from "../../shared/protocol/reading";

export interface Proven {
  reading: Reading;
  /** Simulated ms when the host first held the proof (the signed reading that covers it). */
  atMs: number;
}

/** SHA-256 through node:crypto for host-side MACs (the portable one is slower; same result). */
export const nodeSha256 = (d: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(d).digest());

export class LineTap {
  /** seq → the reading, once authenticated. */
  readonly proven = new Map<number, Proven>();
  /** Sequence numbers in the order they were authenticated. */
  readonly order: number[] = [];
  readonly invalid: { seq: number; reason: string; atMs: number }[] = [];
  /** Lines that were not frames (CRC, base64…), by code. */
  readonly lineErrors: Record<string, number> = {};
  /** Frames the device refused, "ack:E_BAD_MAC", "token:E_REPLAY", … */
  readonly deviceRejects: Record<string, number> = {};
  tokensApplied = 0;
  duplicates = 0;
  newestProven = -1;
  /** Distinct sequence numbers received in any frame (proven, pending or refused). */
  readonly received = new Set<number>();
  /** Console log lines kept for the report and the demo (latest first out). */
  onLog: ((line: string) => void) | undefined;
  onVerdict: ((v: Verdict<number>) => void) | undefined;
  private readonly parser = new LineParser();
  private readonly verifier = new StreamVerifier<number>(nodeVerifier);

  /** Bytes the host's port read at simulated time `atMs`. */
  push(text: string, atMs: number): void {
    if (text === "") return;
    for (const ev of this.parser.push(text)) {
      if (ev.type === "error") {
        const code = ev.code ?? "E_LINE";
        this.lineErrors[code] = (this.lineErrors[code] ?? 0) + 1;
      } else if (ev.frame) {
        if (ev.frame.kind === KIND_READING) this.received.add(new DataView(ev.frame.message.buffer, ev.frame.message.byteOffset).getUint32(40, true));
        let verdicts: Verdict<number>[];
        try {
          verdicts = this.verifier.add(ev.frame, atMs);
        } catch (e) {
          const code = (e as { code?: string }).code ?? "E_DECODE";
          this.lineErrors[code] = (this.lineErrors[code] ?? 0) + 1;
          continue;
        }
        for (const v of verdicts) this.verdict(v, atMs);
      } else if (ev.type === "log") this.log(ev.text);
    }
  }

  private verdict(v: Verdict<number>, atMs: number): void {
    this.onVerdict?.(v);
    if (v.kind !== "reading" || !v.reading) return;
    const seq = v.reading.seq;
    if (v.status === "duplicate") this.duplicates++;
    else if (v.status === "valid") {
      if (this.proven.has(seq)) return;
      this.proven.set(seq, { reading: v.reading, atMs });
      this.order.push(seq);
      if (seq > this.newestProven) this.newestProven = seq;
    } else if (v.status === "invalid") this.invalid.push({ seq, reason: v.reason ?? "?", atMs });
  }

  private log(text: string): void {
    const line = text.replace(/^[\x08\r>:]+/, "").trim();
    if (line === "") return;
    this.onLog?.(line);
    const rej = /^rx (\w+) rejected: (E_\w+)/.exec(line);
    if (rej) {
      const k = `${rej[1]}:${rej[2]}`;
      this.deviceRejects[k] = (this.deviceRejects[k] ?? 0) + 1;
    } else if (/^rx .*; credit \d+ s$/.test(line)) this.tokensApplied++;
  }
}
