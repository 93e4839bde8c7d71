/**
 * The device program: `startDevice(hal, config)` wires metering, readings, the outbox, the
 * signer, the credit clock, the link and the console over one HAL (hal.ts). Target-neutral:
 * the Espruino, NodeMCU and Node targets, the simulator and the tests all start it the same way.
 *
 * Boot order is fail-closed (DESIGN.md step 7): the relay is opened first, then the stored
 * identity, state and outbox are read and checked, the boot is recorded (boot counter +1,
 * credit stored ahead, sequence numbers reserved) and only then may the relay close.
 *
 * Flash budget per day at the defaults (60 s interval, signEvery 10, creditPersistS 300,
 * seqBlock 64, 16 readings per outbox file, 32 records per journal file), measured by
 * test/firmware/flash-budget.test.ts (asserted: ≤ 2200 writeAt, ≤ 110 creates, ≤ 300 KiB):
 * - 1440 readings × 123 B + 144 signatures × 65 B + ~311 state records × 65 B (288 credit
 *   saves, 23 seq reservations) + ~215 one-byte ack marks ≈ 2110 writeAt, 207 KB programmed;
 * - ~100 file creations (90 outbox files of 3 KiB, 10 journal files of 2 KiB) ≈ 295 KB of
 *   flash allocated; no file is ever rewritten whole.
 * Wear: Espruino's Storage erases a page only when compaction reclaims it, so each page is
 * erased about (allocated per day ÷ Storage area) times a day: 0.29/day for a 1 MB area
 * (100k-cycle NOR flash: centuries), 1.15/day for 256 KB (10k-cycle STM32F4 sectors: ~24
 * years), 4.6/day for 64 KB (10k cycles: ~6 years; use a longer interval on such boards).
 *
 * Portable code: see docs/portability.md.
 */
import { decodeReading, FLAG_FIRST_AFTER_BOOT, FLAG_PULSES_LOST, TIME_NTP, TIME_UNKNOWN } from "../shared/protocol/reading";
import { withDefaults, type DeviceConfig } from "./config";
import { lockedLine, runCommand, statusText, type Commands } from "./console";
import { creditFloor, CreditClock } from "./credit";
import { hasKey, isProvisioned, saveState, updateRelay, type Core, type DeviceStats } from "./core";
import { receive } from "./downlink";
import type { Hal } from "./hal";
import { IdentityStore, type Identity } from "./identity";
import { EnergyMeter, type Registers } from "./meter";
import { Outbox } from "./outbox";
import * as provision from "./provision";
import { takeReading } from "./readings";
import { SigningScheduler } from "./signing";
import { copyState, freshState, StateStore } from "./state";
import { flushNow, onSigned, uplinkTick } from "./uplink";

export type { DeviceConfig } from "./config";

/** Seconds a freshly provisioned device keeps its console open for the rest of provisioning. */
const PROVISION_WINDOW_S = 300;

/** The running device, as the target's REPL glue and the tests see it. */
export interface Device extends Commands {
  /** A downlink body (`solkit.rx("…")`); returns "ok" or the reason it was refused. */
  receive(body: string): string;
  /** Counters since boot. */
  stats(): DeviceStats;
  /** Seconds of credit left now (the status line's figure, as a number; -1 when unlocked for good). */
  creditSeconds(): number;
  /** Keys and site as the device holds them now (a link logs in with them; the store is not read again). */
  identity(): Identity;
  /** Stops timers and handlers (tests; a target never needs it). */
  stop(): void;
}

/** Energy to count on from: the saved registers, or the newest stored reading's when higher. */
function restoreRegisters(core: Core): Registers {
  const s = core.state;
  const r: Registers = { energyIn: s.energyIn, energyOut: s.energyOut, residueIn: s.residueIn, residueOut: s.residueOut };
  const tip = core.outbox.tipSeq >= 0 ? core.outbox.nextAfter(core.outbox.tipSeq - 1) : undefined;
  if (tip !== undefined) {
    const t = decodeReading(tip.bytes);
    if (t.energyIn > r.energyIn) {
      r.energyIn = t.energyIn;
      r.residueIn = 0;
    }
    if (t.energyOut > r.energyOut) {
      r.energyOut = t.energyOut;
      r.residueOut = 0;
    }
  }
  return r;
}

/** The boot number in the newest stored reading, or 0. */
function tipBoot(core: Core): number {
  const tip = core.outbox.tipSeq >= 0 ? core.outbox.nextAfter(core.outbox.tipSeq - 1) : undefined;
  return tip === undefined ? 0 : decodeReading(tip.bytes).boot;
}

function makeSigner(core: Core): void {
  if (core.signer !== undefined) core.signer.stop();
  core.signer = undefined;
  if (!hasKey(core)) return;
  const hal = core.hal;
  core.signer = new SigningScheduler(hal.timers, hal.clock, core.identity.seed, core.identity.publicKey,
    hal.platform.sha512, core.config.signBudget, function (seq: number, sig: Uint8Array): void {
      onSigned(core, seq, sig);
    });
}

/** Credit and energy saves, the warning line, the relay: once per tick. */
function persistTick(core: Core): void {
  const s = core.state;
  const now = core.hal.clock.uptimeMs();
  if (s.unlocked) core.credit.hold();
  const running = core.credit.seconds();
  const P = core.config.creditPersistS;
  const creditDue = !s.unlocked && s.credit > 0 && running <= s.credit;
  const energyDue = now - core.lastPersistMs >= P * 1000 && (core.meter.energyIn !== s.energyIn || core.meter.energyOut !== s.energyOut);
  if (creditDue || energyDue) {
    const next = copyState(s);
    if (creditDue) next.credit = creditFloor(running, P);
    const r = core.meter.registers();
    next.energyIn = r.energyIn;
    next.energyOut = r.energyOut;
    next.residueIn = r.residueIn;
    next.residueOut = r.residueOut;
    saveState(core, next);
  }
  if (!core.warned && !s.unlocked && running > 0 && running < s.creditWarnS) {
    core.warned = true;
    core.hal.console.log(`credit low: ${running} s left`);
  }
  updateRelay(core);
}

function tick(core: Core): void {
  if (core.stopped) return;
  const hal = core.hal;
  hal.platform.kickWatchdog();
  core.meter.update();
  persistTick(core);
  if (hasKey(core) && hal.clock.uptimeMs() - core.sampling.lastMs >= core.state.intervalS * 1000) takeReading(core);
  uplinkTick(core);
}

/**
 * Starts the device program on `hal`. Opens the relay before anything else, reads and
 * checks the store, records the boot, then runs the main tick every `config.tickMs`.
 * @throws nothing of its own: a store that cannot be written keeps the relay open and says so
 */
export function startDevice(hal: Hal, config?: Partial<DeviceConfig>): Device {
  hal.relay.set(false); // fail closed: load off until stored credit is read and checked
  const cfg = withDefaults(config);
  hal.platform.enableWatchdog(cfg.watchdogS);
  const identities = new IdentityStore(hal.store);
  const states = new StateStore(hal.store, cfg.journalSlots);
  const stored = states.load();
  const state = stored === undefined ? freshState(cfg.defaultIntervalS, cfg.defaultSignEvery) : stored;
  const segments = Math.max(2, Math.ceil(cfg.outboxCapacity / cfg.segmentSlots));
  const outbox = new Outbox(hal.store, segments, cfg.segmentSlots, hal.platform.sha256);
  // Loading a full outbox takes seconds on a board (issue 9): kick the watchdog per segment so
  // a long but healthy boot is not mistaken for a hang.
  outbox.load(function (): void {
    hal.platform.kickWatchdog();
  });
  const now = hal.clock.uptimeMs();
  const core: Core = {
    hal: hal, config: cfg, state: state, states: states, identity: identities.load(), identities: identities,
    outbox: outbox, meter: undefined as unknown as EnergyMeter, credit: new CreditClock(hal.clock, state.credit),
    signer: undefined, nextSeq: 0,
    sampling: {
      pendingFlags: FLAG_FIRST_AFTER_BOOT | (stored !== undefined ? FLAG_PULSES_LOST : 0),
      timeQuality: hal.clock.wallTimeS() >= 0 ? TIME_NTP : TIME_UNKNOWN,
      lastMs: now, sinceSigned: 0,
    },
    // Literals, not constructor functions in their modules: the Pico's bundle counts every byte.
    uplink: { ramSig: undefined, retryFromMs: now, flushGeneration: 0, sentSeq: -1, retries: 0, retryAcked: -1, linkWasUp: false },
    acks: { lastSeq: -1, lastMs: 0 }, keyJob: undefined,
    lastPersistMs: now, warned: false, stopped: false, bootSaved: false,
    stats: { readings: 0, stored: 0, dropped: 0, txLines: 0, acks: 0, tokens: 0, rejected: 0, stateSaves: 0 },
  };
  core.meter = new EnergyMeter(hal, cfg.meterImpPerKwh, cfg.sampleMs, restoreRegisters(core));
  // Never reuse a seq: past the newest stored reading and past every reservation.
  core.nextSeq = Math.max(outbox.tipSeq + 1, state.seqReserved);
  const unsigned = outbox.tipSeq - Math.max(outbox.signedSeq, outbox.ackedSeq);
  core.sampling.sinceSigned = unsigned > 0 ? Math.min(unsigned, state.signEvery - 1) : 0;
  const boot = copyState(state);
  // A cut during the previous boot's record loses that record, but the readings of that boot
  // carry its number: count on from whichever is higher, so boot numbers never repeat.
  boot.boot = Math.max(state.boot, tipBoot(core)) + 1;
  boot.seqReserved = core.nextSeq + cfg.seqBlock;
  boot.credit = creditFloor(state.credit, cfg.creditPersistS); // stored ahead: a cut never grows credit
  const r = core.meter.registers();
  boot.energyIn = r.energyIn;
  boot.energyOut = r.energyOut;
  boot.residueIn = r.residueIn;
  boot.residueOut = r.residueOut;
  core.bootSaved = saveState(core, boot);
  makeSigner(core);
  updateRelay(core);

  const commands: Commands = {
    status: function (): string {
      return statusText(core);
    },
    provisionKey: function (force?: boolean, hostEntropyHex?: string): string {
      return provision.provisionKey(core, force === true, hostEntropyHex, function (): void {
        makeSigner(core);
      });
    },
    setHostKey: function (hex: string, macHex?: string): string {
      const was = isProvisioned(core);
      const r = provision.setHostKey(core, hex, macHex);
      // A fresh device stays open a while for the rest of provisioning, then locks (issue 11).
      if (!was && isProvisioned(core)) hal.console.open(PROVISION_WINDOW_S);
      return r;
    },
    setSite: function (name: string): string {
      return provision.setSite(core, name);
    },
    setConfig: function (intervalS: number, signEvery: number, creditWarnS?: number): string {
      return provision.setConfig(core, intervalS, signEvery, creditWarnS);
    },
    flush: function (): void {
      flushNow(core);
    },
    rx: function (body: string): string {
      return receive(core, body);
    },
    lock: function (): void {
      // Only a device with a host key: nobody could make the token that opens a fresh one.
      if (isProvisioned(core)) hal.console.lock();
    },
  };
  const handle = hal.timers.every(cfg.tickMs, function (): void {
    tick(core);
  });
  hal.link.onReceive(function (body: string): void {
    receive(core, body);
  });
  hal.console.onCommand(function (line: string): string {
    return runCommand(commands, line);
  });
  hal.console.onLockedLine(function (line: string): string {
    return lockedLine(commands, line);
  });
  if (isProvisioned(core)) hal.console.lock(); // before the loop reads a byte of input
  hal.console.log(`solkit ${cfg.firmwareVersion} boot ${core.state.boot}: ${hasKey(core) ? "device ready" : "UNPROVISIONED (relay held open), run solkit provision on the host"}`);

  return {
    status: commands.status,
    provisionKey: commands.provisionKey,
    setHostKey: commands.setHostKey,
    setSite: commands.setSite,
    setConfig: commands.setConfig,
    flush: commands.flush,
    lock: commands.lock,
    rx: commands.rx,
    receive: commands.rx,
    stats: function (): DeviceStats {
      return core.stats;
    },
    creditSeconds: function (): number {
      return core.state.unlocked ? -1 : core.credit.seconds();
    },
    identity: function (): Identity {
      return core.identity;
    },
    stop: function (): void {
      core.stopped = true;
      hal.timers.cancel(handle);
      if (core.signer !== undefined) core.signer.stop();
    },
  };
}
