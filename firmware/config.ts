/**
 * The board facts a build embeds into the device program (DeviceConfig), and their defaults.
 * Everything per *device* (key, HMAC key, site, interval, signEvery) lives in the Store
 * instead, so one bundle per board serves every device (issue 3, item 2).
 *
 * Portable code: see docs/portability.md.
 */

/** Facts of the board and the build; `withDefaults` fills what a caller leaves out. */
export interface DeviceConfig {
  /** Shown by status() and logged at boot. */
  firmwareVersion: string;
  /** Meter constant of the S0 pulse input, impulses per kWh (1000 for most meters). */
  meterImpPerKwh: number;
  /** Sensor variant: milliseconds between samples of PowerSensor.milliwatts(). */
  sampleMs: number;
  /** Readings the outbox keeps unacknowledged before it drops new ones (PROTOCOL.md 2.2). */
  outboxCapacity: number;
  /** Readings per outbox file: one file is created (allocated) per this many readings. */
  segmentSlots: number;
  /** Records per state-journal file (persist.ts); one file is created per this many saves. */
  journalSlots: number;
  /** Seconds between readings until a set-config token or setConfig says otherwise. */
  defaultIntervalS: number;
  /** Sign every n-th reading (and always before a flush) until configured otherwise. */
  defaultSignEvery: number;
  /**
   * Seconds of credit persisted ahead: the stored credit is always at most the running credit
   * minus up to this much, so a power cut never grows credit and loses at most this many
   * seconds of it (plus what elapsed since the last save, which is already deducted).
   */
  creditPersistS: number;
  /** Sequence numbers reserved per state save (lost ones at a power cut show up in `dropped`). */
  seqBlock: number;
  /** Watchdog timeout; the main tick (tickMs) kicks it. */
  watchdogS: number;
  /** Milliseconds between main ticks: watchdog, credit clock, relay, sensor, reading schedule. */
  tickMs: number;
  /** Field multiplications per incremental-signer step (shared/crypto/ed25519 DEFAULT_BUDGET = 32). */
  signBudget: number;
  /** Most reading lines sent in one flush (a flush still ends after a signed reading when it can). */
  maxBatch: number;
  /** Seconds without ack progress before unacknowledged readings are sent again. */
  retryS: number;
  /**
   * The board's random source is a true hardware RNG (board file `trustedRng`): a key may be
   * made without host entropy. False by default: Espruino's E.hwRand is a seeded rand().
   */
  trustedRng: boolean;
}

/** Defaults for a 1000 imp/kWh meter, one reading a minute, one signature every 10. */
export const DEFAULT_DEVICE_CONFIG: DeviceConfig = {
  firmwareVersion: "0.1.0",
  meterImpPerKwh: 1000,
  sampleMs: 1000,
  outboxCapacity: 1440,
  segmentSlots: 16,
  journalSlots: 32,
  defaultIntervalS: 60,
  defaultSignEvery: 10,
  creditPersistS: 300,
  seqBlock: 64,
  watchdogS: 30,
  tickMs: 1000,
  signBudget: 32,
  maxBatch: 16,
  retryS: 30,
  trustedRng: false,
};

function pick(v: number | undefined, d: number): number {
  return v === undefined ? d : v;
}

/** A full DeviceConfig: the fields of `c` that are set, defaults for the rest. */
export function withDefaults(c: Partial<DeviceConfig> | undefined): DeviceConfig {
  const p: Partial<DeviceConfig> = c === undefined ? {} : c;
  const d = DEFAULT_DEVICE_CONFIG;
  return {
    firmwareVersion: p.firmwareVersion === undefined ? d.firmwareVersion : p.firmwareVersion,
    meterImpPerKwh: pick(p.meterImpPerKwh, d.meterImpPerKwh),
    sampleMs: pick(p.sampleMs, d.sampleMs),
    outboxCapacity: pick(p.outboxCapacity, d.outboxCapacity),
    segmentSlots: pick(p.segmentSlots, d.segmentSlots),
    journalSlots: pick(p.journalSlots, d.journalSlots),
    defaultIntervalS: pick(p.defaultIntervalS, d.defaultIntervalS),
    defaultSignEvery: pick(p.defaultSignEvery, d.defaultSignEvery),
    creditPersistS: pick(p.creditPersistS, d.creditPersistS),
    seqBlock: pick(p.seqBlock, d.seqBlock),
    watchdogS: pick(p.watchdogS, d.watchdogS),
    tickMs: pick(p.tickMs, d.tickMs),
    signBudget: pick(p.signBudget, d.signBudget),
    maxBatch: pick(p.maxBatch, d.maxBatch),
    retryS: pick(p.retryS, d.retryS),
    trustedRng: p.trustedRng === true,
  };
}
