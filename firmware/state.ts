/**
 * The device's persisted counters and settings, saved together as one journal record
 * (persist.ts), so that a token's counter and its effect are stored atomically (PROTOCOL.md
 * 4.2 asks that the counter be persisted before the token applies: here both land in the
 * same record, so after a cut either both happened or neither did).
 *
 * Portable code: see docs/portability.md.
 */
import { readU32, readU53, writeU32, writeU53 } from "../shared/bytes";
import type { Store } from "./hal";
import { Journal } from "./persist";

/** What survives a reboot apart from the outbox and the identity. */
export interface PersistedState {
  /** Boot counter of the last start (the next start adds one). */
  boot: number;
  /** Highest token counter accepted (0 = none). */
  tokenCounter: number;
  /** Credit in seconds, already reduced by up to creditPersistS (never more than the running credit). */
  credit: number;
  unlocked: boolean;
  /** Sequence numbers below this may have been used; the next boot starts at least here. */
  seqReserved: number;
  /** Energy registers in mWh and the fractions of a mWh carried between saves (meter.ts units). */
  energyIn: number;
  energyOut: number;
  residueIn: number;
  residueOut: number;
  /** Per-device settings (PROTOCOL.md 4.1 config keys). */
  intervalS: number;
  signEvery: number;
  creditWarnS: number;
}

/** Bytes of the encoded state (two spare bytes, zero). */
export const STATE_LENGTH = 58;

/** The state of a device that never saved one. */
export function freshState(intervalS: number, signEvery: number): PersistedState {
  return {
    boot: 0, tokenCounter: 0, credit: 0, unlocked: false, seqReserved: 0,
    energyIn: 0, energyOut: 0, residueIn: 0, residueOut: 0,
    intervalS: intervalS, signEvery: signEvery, creditWarnS: 0,
  };
}

/** A copy of `s` (the app keeps one in RAM and edits copies before saving). */
export function copyState(s: PersistedState): PersistedState {
  return {
    boot: s.boot, tokenCounter: s.tokenCounter, credit: s.credit, unlocked: s.unlocked,
    seqReserved: s.seqReserved, energyIn: s.energyIn, energyOut: s.energyOut,
    residueIn: s.residueIn, residueOut: s.residueOut, intervalS: s.intervalS,
    signEvery: s.signEvery, creditWarnS: s.creditWarnS,
  };
}

function encodeState(s: PersistedState): Uint8Array {
  const b = new Uint8Array(STATE_LENGTH);
  writeU32(b, 0, s.boot);
  writeU32(b, 4, s.tokenCounter);
  writeU32(b, 8, s.credit);
  b[12] = s.unlocked ? 1 : 0;
  writeU32(b, 13, s.seqReserved);
  writeU53(b, 17, s.energyIn);
  writeU53(b, 25, s.energyOut);
  writeU32(b, 33, s.residueIn);
  writeU32(b, 37, s.residueOut);
  writeU32(b, 41, s.intervalS);
  writeU32(b, 45, s.signEvery);
  writeU32(b, 49, s.creditWarnS);
  return b;
}

function decodeState(b: Uint8Array): PersistedState {
  return {
    boot: readU32(b, 0),
    tokenCounter: readU32(b, 4),
    credit: readU32(b, 8),
    unlocked: b[12] === 1,
    seqReserved: readU32(b, 13),
    energyIn: readU53(b, 17),
    energyOut: readU53(b, 25),
    residueIn: readU32(b, 33),
    residueOut: readU32(b, 37),
    intervalS: readU32(b, 41),
    signEvery: readU32(b, 45),
    creditWarnS: readU32(b, 49),
  };
}

/** The state journal: file names `sk.st0`, `sk.st1`. */
export class StateStore {
  private readonly journal: Journal;

  constructor(store: Store, slots: number) {
    this.journal = new Journal(store, "sk.st", STATE_LENGTH, slots);
  }

  /** The last saved state, or undefined on a device that never saved one. */
  load(): PersistedState | undefined {
    const b = this.journal.load();
    return b === undefined ? undefined : decodeState(b);
  }

  /** Saves `s` as the newest state; false when the store cannot take it. */
  save(s: PersistedState): boolean {
    return this.journal.save(encodeState(s));
  }

  /** Saves since boot and journal files created since boot. */
  saves(): number {
    return this.journal.saves;
  }

  creates(): number {
    return this.journal.creates;
  }
}
