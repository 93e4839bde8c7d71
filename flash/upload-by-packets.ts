/**
 * The fast way into an Espruino board's Storage: the file as binary packets, heatshrink-
 * compressed where the board decompresses (upload-packets.ts for the protocol). The caller
 * reads back the hash of the whole file and, when anything here fails, falls back to the
 * checked base64 chunks.
 */
import { SolkitError } from "../shared/errors";
import { sleep, type ReplSession } from "./repl-session";
import { fileSendPacket, maxPacketBytes, packet, planDataPackets, planWireBytes, PT_DATA } from "./upload-packets";

export interface PacketUploadResult {
  ok: boolean;
  /** Why it stopped (not ok). */
  why?: string;
  packets: number;
  /** Largest packet payload used. */
  packetBytes: number;
  /** Bytes the packets took on the wire (headers included). */
  wireBytes: number;
  /** Whether the packets went heatshrink-compressed (asked for, and it paid). */
  compressed: boolean;
}

/**
 * Heatshrink only where it shrinks: the base-point table is random bytes and grows under it.
 * Decided from the compressed plan itself, so a file is compressed once per upload.
 */
const WORTH_COMPRESSING = 0.95;

/** How long after a lost packet the board gives up on it (5 s in jsinteractive.c, plus margin). */
const BOARD_PACKET_TIMEOUT_MS = 5500;

export async function sendFilePackets(
  s: ReplSession,
  file: string,
  code: string,
  opts: { compress: boolean; freeVars: number; onBytes: (done: number, packetBytes: number) => void; abort: () => void },
): Promise<PacketUploadResult> {
  const data = Buffer.from(code, "latin1");
  const max = maxPacketBytes(s.baud, opts.freeVars);
  let compressed = opts.compress;
  let plan = planDataPackets(data, max, compressed);
  if (compressed && planWireBytes(plan) >= data.length * WORTH_COMPRESSING) {
    compressed = false;
    plan = planDataPackets(data, max, false);
  }
  const result: PacketUploadResult = { ok: false, packets: 0, packetBytes: max, wireBytes: planWireBytes(plan), compressed };
  const open = await s.packet(fileSendPacket(file, data.length, compressed), 3000);
  if (open !== "ack") {
    if (open === "timeout") await sleep(BOARD_PACKET_TIMEOUT_MS);
    return { ...result, why: `the board answered ${open} to opening ${file}` };
  }
  let done = 0;
  for (const p of plan) {
    opts.abort();
    const answer = await s.packet(packet(PT_DATA, p.payload), 5000);
    if (answer !== "ack") {
      // A packet still half received would swallow the next REPL line as its data: wait until
      // the board has dropped it.
      if (answer === "timeout") await sleep(BOARD_PACKET_TIMEOUT_MS);
      return { ...result, why: `the board answered ${answer} to the packet at byte ${p.offset}` };
    }
    result.packets++;
    done += p.bytes;
    opts.onBytes(done, max);
  }
  if (done !== data.length) throw new SolkitError("E_UPLOAD", `packet plan covers ${done} of ${data.length} bytes`);
  return { ...result, ok: true };
}
