/**
 * Golden-vector runner for shared/test/vectors/frame.json (PROTOCOL.md section 5).
 * Three shapes: { frame, line, espruinoHex, nodemcu } (both directions of one frame),
 * { line, error } (a machine line the parser must turn into one error event), and
 * { chunks, events } (a console stream, fed chunk by chunk, and the events it must give).
 */
import { fromAscii, toHex } from "../bytes";
import { LineParser, decodeFrameBody, encodeDownlinkLine, encodeFrame, encodeUplinkLine, LINE_PREFIX } from "../protocol/frame";
import type { LineEvent } from "../protocol/frame";
import { hexIn, runEach } from "./protocol-util";
import type { CaseResult } from "./types";

function frameCase(c: any): string {
  const frame = hexIn(c.frame, "frame");
  const up = encodeUplinkLine(frame);
  if (up !== `${c.line}\n`) return `encodeUplinkLine gave ${up}`;
  const f = decodeFrameBody((c.line as string).substring(LINE_PREFIX.length));
  const back = toHex(encodeFrame(f.message, f.signature));
  if (back !== c.frame) return `decodeFrameBody gave ${back}`;
  const esp = toHex(fromAscii(encodeDownlinkLine(frame, "espruino")));
  if (esp !== c.espruinoHex) return `espruino downlink gave ${esp}`;
  const lua = encodeDownlinkLine(frame, "nodemcu");
  if (lua !== c.nodemcu) return `nodemcu downlink gave ${lua}`;
  return "";
}

function describe(e: LineEvent): string {
  if (e.type === "frame" && e.frame !== undefined) return `frame ${toHex(encodeFrame(e.frame.message, e.frame.signature))}`;
  if (e.type === "error") return `error ${e.code}`;
  return `log "${e.text}"`;
}

function want(w: any): string {
  if (w.type === "frame") return `frame ${w.frame}`;
  if (w.type === "error") return `error ${w.code}`;
  return `log "${w.text}"`;
}

function streamCase(c: any): string {
  const p = new LineParser();
  const got: LineEvent[] = [];
  for (let i = 0; i < (c.chunks as string[]).length; i++) {
    const evs = p.push((c.chunks as string[])[i]);
    for (let j = 0; j < evs.length; j++) got.push(evs[j]);
  }
  for (let i = 0; i < (c.events as any[]).length; i++) {
    if (i >= got.length) return `event ${i}: missing, want ${want((c.events as any[])[i])}`;
    if (describe(got[i]) !== want((c.events as any[])[i])) return `event ${i}: got ${describe(got[i])}, want ${want((c.events as any[])[i])}`;
  }
  if (got.length !== (c.events as any[]).length) return `got ${got.length} events, want ${(c.events as any[]).length}`;
  return "";
}

function one(c: any): string {
  if (c.chunks !== undefined) return streamCase(c);
  if (c.error === undefined) return frameCase(c);
  const evs = new LineParser().push(`${c.line}\n`);
  if (evs.length !== 1 || evs[0].type !== "error" || evs[0].code !== c.error) {
    return `parser gave ${evs.length > 0 ? describe(evs[0]) : "nothing"}, want error ${c.error}`;
  }
  return "";
}

/** Runs every case; never throws. */
export function runFrameVectors(cases: any[]): CaseResult[] {
  return runEach(cases, one);
}
