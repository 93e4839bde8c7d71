/**
 * What a board can hold: how much of its Storage the bundle takes, how many readings the
 * outbox may keep in the rest, and a static estimate of the interpreter variables the program
 * needs at rest. Kept apart from the bundling so it is plain arithmetic, easy to test.
 */
import type { Board } from "../boards/board-type";
import { SLOT } from "../firmware/outbox";
import { DEFAULT_DEVICE_CONFIG } from "../firmware/config";

/** Bytes of the state and identity journals: two files each (firmware/persist.ts). */
const JOURNAL_BYTES = 2 * 2048 + 2 * 512;
/**
 * Share of the Storage left after code and journals that the outbox may fill. Espruino's
 * Storage is log-structured: a new file goes to fresh space and the old one is garbage until
 * compaction, so half stays free for that churn.
 */
const OUTBOX_SHARE = 0.5;

export interface StoragePlan {
  storageBytes: number;
  /** Bytes of code the file system keeps (NodeMCU with LFS: the image, not the source). */
  codeBytes: number;
  /** Which file those are, where it is not the bundle itself (NodeMCU: "lfs.img"). */
  codeFile?: string;
  journalBytes: number;
  outboxBytes: number;
  outboxCapacity: number;
  segmentSlots: number;
  /** Hours of readings the outbox holds offline at the default interval. */
  offlineHours: number;
  fits: boolean;
  /** Why not, when it does not fit. */
  problem?: string;
}

/** Splits a board's Storage between code, journals and the outbox (at least two segments). */
export function planStorage(board: Board, codeBytes: number): StoragePlan {
  const storageBytes = board.limits ? board.limits.storageBytes : 0;
  const inStorage = board.limits ? board.limits.codeInStorage : true;
  const segmentSlots = DEFAULT_DEVICE_CONFIG.segmentSlots;
  const segmentBytes = segmentSlots * SLOT;
  const left = storageBytes - (inStorage ? codeBytes : 0) - JOURNAL_BYTES;
  const segments = Math.floor((Math.max(0, left) * OUTBOX_SHARE) / segmentBytes);
  const capacity = Math.min(DEFAULT_DEVICE_CONFIG.outboxCapacity, segments * segmentSlots);
  const plan: StoragePlan = {
    storageBytes, codeBytes, journalBytes: JOURNAL_BYTES, outboxBytes: Math.ceil(capacity / segmentSlots) * segmentBytes,
    outboxCapacity: capacity, segmentSlots,
    // A segment is recycled only when all of it is acked, so up to one segment's worth of the
    // capacity may hold acked readings at the start of an outage: count one segment less.
    offlineHours: (Math.max(0, capacity - segmentSlots) * DEFAULT_DEVICE_CONFIG.defaultIntervalS) / 3600, fits: segments >= 2,
  };
  if (!plan.fits) {
    const need = (inStorage ? codeBytes : 0) + JOURNAL_BYTES + Math.ceil((2 * segmentBytes) / OUTBOX_SHARE);
    plan.problem =
      `the bundle (${codeBytes} bytes) leaves too little of ${board.id}'s ${storageBytes}-byte Storage for the outbox: ` +
      `needs at least ${need} bytes in all`;
  }
  return plan;
}

/** Bytes of data per interpreter variable block (Espruino: 16-byte blocks, ~12 bytes of payload). */
const BYTES_PER_VAR = 12;

/**
 * A static estimate of the variables the program holds once booted: code in flash costs none
 * (Espruino runs saved code from flash), but every function object, closure scope, property
 * and buffer does. Counted from the bundle's syntax plus the known buffers the program
 * allocates at start (the signer's base table, the outbox's in-RAM index).
 */
export function estimateVars(counts: { functions: number; properties: number; declarations: number }, buffersBytes: number): number {
  return counts.functions * 3 + counts.properties + counts.declarations + Math.ceil(buffersBytes / BYTES_PER_VAR);
}
