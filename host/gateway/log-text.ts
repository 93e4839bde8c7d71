/**
 * The gateway log's sentences about readings (pipeline.ts): why the chain check refused one, and
 * what a signature's worth of verified readings says.
 */
import { toHex } from "../../shared/bytes";
import { FLAG_UNLOCKED, type Reading } from "../../shared/protocol/reading";

/** "seq 4..9 ✓ 1.234 kWh, 60 W, relay closed, credit 2.0 d" for the readings one signature proved (oldest first). */
export function verifiedText(readings: { reading: Reading }[]): string {
  const last = readings[readings.length - 1].reading;
  const seqs = readings.length === 1 ? `seq ${last.seq}` : `seq ${readings[0].reading.seq}..${last.seq}`;
  const credit = (last.flags & FLAG_UNLOCKED) !== 0 ? "unlocked" : last.credit >= 86400 ? `${(last.credit / 86400).toFixed(1)} d` : `${(last.credit / 3600).toFixed(1)} h`;
  return `${seqs} ✓ ${(last.energyIn / 1e6).toFixed(3)} kWh, ${(last.power / 1000).toFixed(0)} W, relay ${last.relay ? "closed" : "open"}, credit ${credit}`;
}

/** A sentence on why the chain refused a reading. */
export function explain(reason: string, r: Reading, tipSeq: number, tipHash: Uint8Array): string {
  if (reason === "E_GAP") {
    const want = tipSeq + 1 + r.dropped;
    return `seq ${r.seq} with dropped=${r.dropped} does not follow ${tipSeq} (expected seq ${want}); readings ${tipSeq + 1}..${r.seq - 1 - r.dropped} missing; not stored, and an ack of ${tipSeq} asks the device to resend from there`;
  }
  if (reason === "E_CHAIN_BROKEN") return `seq ${r.seq}: prev ${toHex(r.prev).slice(0, 16)}… is not the hash of reading ${tipSeq} (${toHex(tipHash).slice(0, 16)}…)`;
  if (reason === "E_BAD_SIGNATURE") return `seq ${r.seq}: the Ed25519 signature does not verify with the registered key`;
  return `seq ${r.seq}: ${reason}`;
}
