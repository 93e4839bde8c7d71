/**
 * Crash safety of the teller's ledger work (issue 12): the teller is killed — its ledger calls
 * throw and it is dropped with everything in memory — at every call it makes while closing a
 * period, anchoring it and paying it by autopay; a new teller on the same files finishes the
 * job. Whatever the point, the period is anchored once and paid once (the customer's and the
 * project's sequence numbers each moved by exactly one transaction), and no token counter is
 * used twice.
 */
import { afterEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import type { Ledger } from "../../host/ledger/ledger";
import { billedWorld, XLM } from "./fixture";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

class Killed extends Error {}

/** A ledger that dies at the `n`th call of `method`, before or after the call reaches the ledger. */
function killing(inner: Ledger, method: keyof Ledger, n: number, when: "before" | "after"): Ledger & { fired: boolean } {
  let calls = 0;
  const state = { fired: false };
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === "fired") return state.fired;
      const v = Reflect.get(target, prop);
      if (typeof v !== "function") return v;
      return async (...args: unknown[]) => {
        const hit = prop === method && ++calls === n;
        if (hit && when === "before") {
          state.fired = true;
          throw new Killed(`killed before ${String(prop)}`);
        }
        const r = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (hit) {
          state.fired = true;
          throw new Killed(`killed after ${String(prop)}`);
        }
        return r;
      };
    },
  }) as Ledger & { fired: boolean };
}

const POINTS: [keyof Ledger, number, "before" | "after"][] = [];
for (const m of ["account", "submit", "transaction", "findPaymentsByMemo", "payments"] as const) {
  for (const n of [1, 2]) for (const when of ["before", "after"] as const) POINTS.push([m, n, when]);
}

describe("the teller killed at any ledger call", () => {
  it.each(POINTS)("killed at %s call %i (%s): one anchor, one payment, no counter twice", async (method, n, when) => {
    const w = await billedWorld();
    dirs.push(w.dir);
    const seq0 = { project: (await w.ledger.account(w.project.publicKey()))!.sequence, customer: (await w.ledger.account(w.customer.publicKey()))!.sequence };
    const dying = killing(w.ledger, method, n, when);
    const first = w.make(dying);
    let died = false;
    try {
      await first.poll();
      await first.poll();
    } catch (e) {
      if (!(e instanceof Killed)) throw e;
      died = true;
    }
    expect(died).toBe(dying.fired);
    const second = w.make(w.ledger); // the restart: nothing of the first teller survives but its files
    await second.poll();
    await second.poll();
    const [bill, ...more] = second.bills();
    expect(more).toEqual([]);
    expect(bill).toMatchObject({ period: "2026-01-01+1d", anchor_state: "anchored", pay_state: "paid" });
    expect((await w.ledger.account(w.project.publicKey()))!.sequence).toBe(seq0.project + 1n); // one anchor
    expect((await w.ledger.account(w.customer.publicKey()))!.sequence).toBe(seq0.customer + 1n); // one payment
    expect(await w.ledger.findPaymentsByMemo(bill.pay_memo!, w.project.publicKey())).toHaveLength(1);
    expect(w.ledger.balanceOf(w.customer.publicKey(), "native")).toBe(100n * XLM - BigInt(bill.due) - 100n);
    const counters = (w.db.prepare("SELECT counter FROM teller_payments WHERE token IS NOT NULL").all() as { counter: number }[]).map((r) => r.counter);
    expect(new Set(counters).size).toBe(counters.length);
  });
});
