/**
 * The credit clock and what tokens do to it (DESIGN.md step 7, PROTOCOL.md section 4).
 *
 * Credit is seconds of supply counting down on monotonic uptime (offline too). What is
 * persisted is always *ahead* of the running value: when the running credit reaches the
 * stored value, the app stores `running − creditPersistS`. So after a power cut at any
 * instant the restored credit is at most the credit at the cut (it never grows), and the
 * most a cut can cost the customer is creditPersistS seconds (300 s by default); a save
 * happens at most once per creditPersistS seconds while credit runs (288 a day at 300 s).
 *
 * Portable code: see docs/portability.md.
 */
import {
  CONFIG_CREDIT_WARN_S, CONFIG_INTERVAL_S, CONFIG_SIGN_EVERY,
  TOKEN_ADD_CREDIT, TOKEN_DISCONNECT, TOKEN_MAINTENANCE, TOKEN_SET_CONFIG, TOKEN_SET_CREDIT, TOKEN_UNLOCK,
  type Token,
} from "../shared/protocol/token";
import type { Clock } from "./hal";
import { copyState, type PersistedState } from "./state";

const U32_MAX = 4294967295;

/** Seconds of credit left, on uptime; frozen while the device is unlocked. */
export class CreditClock {
  private base: number;
  private markMs: number;

  constructor(private readonly clock: Clock, seconds: number) {
    this.base = seconds;
    this.markMs = clock.uptimeMs();
  }

  /** Credit left now, whole seconds, never below 0. */
  seconds(): number {
    const elapsed = Math.floor((this.clock.uptimeMs() - this.markMs) / 1000);
    return elapsed >= this.base ? 0 : this.base - elapsed;
  }

  /** Sets the credit to `seconds` now, keeping the fraction of the running second. */
  set(seconds: number): void {
    const now = this.clock.uptimeMs();
    const elapsed = Math.floor((now - this.markMs) / 1000);
    this.markMs += elapsed * 1000;
    this.base = seconds;
  }

  /** Stops the clock for this tick (unlocked devices keep their credit). */
  hold(): void {
    const s = this.seconds();
    this.markMs = this.clock.uptimeMs();
    this.base = s;
  }
}

/** Whether the load may be on: a provisioned device with credit left or unlocked for good. */
export function relayShouldClose(provisioned: boolean, unlocked: boolean, credit: number): boolean {
  return provisioned && (unlocked || credit > 0);
}

/** The stored credit for a running credit of `running` seconds: ahead by up to `persistS`. */
export function creditFloor(running: number, persistS: number): number {
  return running > persistS ? running - persistS : 0;
}

/** What a verified token does: the state to save (counter included) and the running credit. */
export interface TokenEffect {
  state: PersistedState;
  credit: number;
  /** One line for the console. */
  text: string;
  /** Seconds to open the console for (a maintenance token), else 0. */
  openS: number;
}

/**
 * The effect of an accepted token on `s` (the saved state) with `running` seconds left.
 * The caller saves `state` (counter and effect in one record) and only then applies it.
 */
export function tokenEffect(t: Token, s: PersistedState, running: number, persistS: number): TokenEffect {
  const next = copyState(s);
  next.tokenCounter = t.counter;
  let credit = running;
  let text = "";
  let openS = 0;
  if (t.tokenKind === TOKEN_MAINTENANCE) {
    openS = t.amount;
    text = `console open for ${openS} s`;
  } else if (t.tokenKind === TOKEN_ADD_CREDIT) {
    credit = running + t.amount > U32_MAX ? U32_MAX : running + t.amount;
    text = `credit +${t.amount} s`;
  } else if (t.tokenKind === TOKEN_SET_CREDIT) {
    credit = t.amount;
    text = `credit set to ${t.amount} s`;
  } else if (t.tokenKind === TOKEN_UNLOCK) {
    next.unlocked = true;
    text = "unlocked for good";
  } else if (t.tokenKind === TOKEN_DISCONNECT) {
    credit = 0;
    next.unlocked = false;
    text = "disconnected";
  } else if (t.tokenKind === TOKEN_SET_CONFIG) {
    text = "config";
    for (let i = 0; i < t.config.length; i++) {
      const e = t.config[i];
      if (e.key === CONFIG_INTERVAL_S) next.intervalS = e.value;
      if (e.key === CONFIG_SIGN_EVERY) next.signEvery = e.value;
      if (e.key === CONFIG_CREDIT_WARN_S) next.creditWarnS = e.value;
      text += ` ${e.key}=${e.value}`;
    }
  }
  // Never store more than is running: a cut right after this save must not grow credit.
  const floor = creditFloor(credit, persistS);
  next.credit = credit === running && s.credit <= floor ? s.credit : floor;
  return { state: next, credit: credit, text: `token ${t.counter}: ${text}`, openS: openS };
}
