/**
 * The single-panel story `npm start` tells (issue 13): a simulated board with a 60 W load on its
 * relay, the real gateway with the teller on the local ledger, postpaid with a daily bill paid
 * by autopay from the customer's wallet, and the host's dashboard. Days are billed and paid; the
 * wallet runs dry; a notice at once, a reminder before the grace ends; the relay opens and the
 * load goes dark; the customer tops the wallet up; autopay settles and the relay closes. The
 * timeline prints one line per event that matters; routine readings are summed per day.
 */
import type { Board } from "../../boards/board-type";
import type { Logger } from "../../host/gateway/log";
import { fromStroops } from "../../host/ledger/ledger";
import type { Statement } from "../../host/teller/statement";
import { TellerSite } from "./site";

export interface StoryOptions {
  board: Board;
  firmware: string;
  /** Simulated seconds per wall second. */
  speed: number;
  days: number;
  /** The dashboard's port (0: any free one). */
  httpPort: number;
  seed?: number;
  /** The dashboard's URL, as soon as it answers. */
  onUrl(url: string): void;
  /** One timeline line: simulated Unix ms, kind, text. */
  line(atMs: number, kind: "day" | "pay" | "notice" | "relay" | "top-up" | "info", text: string): void;
  /** Host log lines (verbose mode). */
  log?: Logger;
  /** Stops early (Ctrl-C). */
  signal?: AbortSignal;
  /** An MQTT broker of the user's: verified readings and notices are relayed there. */
  broker?: string;
}

export interface StoryResult {
  site: TellerSite;
  events: { atMs: number; kind: string; text: string }[];
}

const DAY = 86_400_000;
export const STORY_START = Date.UTC(2026, 5, 21) / 1000; // the June solstice: long sunny days

/** What the story's teller is configured with (docs/host-config.md has every key). */
export const STORY_TELLER = {
  asset: "XLM", mode: "postpaid", period: "1d", pricePerDay: "1", pricePerKwh: "0.2", systemValue: "100", instalment: "0.2",
  graceDays: 1, noticeDays: 1, reminderHours: 6,
};

/**
 * Runs the story; the site stays open for the caller to inspect (and close).
 * @throws Error when the firmware does not boot or the gateway does not start
 */
export async function runStory(o: StoryOptions): Promise<StoryResult> {
  const events: StoryResult["events"] = [];
  const say = (kind: Parameters<StoryOptions["line"]>[1], text: string) => {
    events.push({ atMs: site.nowMs, kind, text });
    o.line(site.nowMs, kind, text);
  };
  const site = await TellerSite.start({
    board: o.board, firmware: o.firmware, seed: o.seed ?? 42, startUnixS: STORY_START, customerXlm: "2.6", autopay: true,
    teller: STORY_TELLER, loads: [{ watts: 60, from: "00:00", to: "23:59" }], clouds: 0.3, panelWp: 300,
    device: { intervalS: 600, signEvery: 6 }, stepMs: 5 * 60_000, pollMs: 10 * 60_000, httpPort: o.httpPort, log: o.log, upstreamUrl: o.broker,
  });
  const url = site.host.gateway.healthUrl;
  if (url) o.onUrl(`${url}/`);
  if (o.broker) say("info", `readings and notices relayed to ${o.broker} (solkit/v1/local/<device>/reading, …/notice)`);
  say("info", `device ${site.rig.id.slice(0, 12)}… provisioned on ${o.board.id}; customer wallet ${fromStroops(site.balance(site.customer))} XLM, bills paid daily by autopay`);
  const seen = { bills: 0, notices: 0, payments: new Set<string>(), relay: site.rig.relayClosed() };
  let lapsedAt = -1;
  let toppedUp = false;
  const wall0 = Date.now();
  const sim0 = site.nowMs;
  const check = async () => {
    const bills = site.teller.bills();
    for (const b of bills.slice(seen.bills)) {
      const st = JSON.parse(b.statement) as Statement;
      say("day", `${b.period.slice(0, 10)}: ${(st.energyMwh / 1e6).toFixed(2)} kWh verified (seq ${st.firstSeq}..${st.lastSeq}), bill ${st.bill} XLM + ${fromStroops(BigInt(b.due) - BigInt(b.bill))} toward ownership, anchored`);
    }
    seen.bills = bills.length;
    for (const p of site.teller.payments(20).reverse()) {
      if (seen.payments.has(p.id) || p.amount === 0n) continue;
      seen.payments.add(p.id);
      say("pay", `paid ${fromStroops(p.amount)} XLM by autopay, ledger tx ${p.tx.slice(0, 16)}…; wallet left ${fromStroops(site.balance(site.customer))} XLM`);
    }
    for (const n of site.notices.slice(seen.notices)) if (n.code !== "payment") say("notice", `${n.code}: ${n.text}`);
    seen.notices = site.notices.length;
    const closed = site.rig.relayClosed();
    if (closed !== seen.relay) {
      seen.relay = closed;
      say("relay", closed ? "relay closed: the load has power" : "relay open: credit ran out, the load is dark");
      if (!closed) lapsedAt = site.nowMs;
    }
    if (!toppedUp && lapsedAt > 0 && site.nowMs - lapsedAt >= 2 * 3_600_000) {
      toppedUp = true;
      await site.fundCustomer("5");
      say("top-up", "the customer tops the wallet up with 5 XLM; autopay settles what is owed at its next round");
    }
    // Pace: `speed` simulated seconds per wall second.
    const wait = wall0 + (site.nowMs - sim0) / o.speed - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  for (let d = 0; d < o.days && !o.signal?.aborted; d++) {
    await site.run(DAY, async () => {
      if (o.signal?.aborted) throw new StoryStopped();
      await check();
    }).catch((e) => {
      if (!(e instanceof StoryStopped)) throw e;
    });
  }
  return { site, events };
}

class StoryStopped extends Error {}
