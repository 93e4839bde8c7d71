/**
 * Billing periods (issue 12): a month (calendar, UTC) or a fixed number of days counted from the
 * Unix epoch, so every host cuts the same periods without remembering where it started. A
 * period's id names it in bills, anchors and autopay memos: "2026-11" or "2026-11-15+14d".
 */
export type PeriodSpec = { kind: "month" } | { kind: "days"; days: number };

export interface Period {
  id: string;
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
}

/** "month", or "Nd" for N days (1..366). */
export function parsePeriodSpec(text: string): PeriodSpec | undefined {
  if (text === "month") return { kind: "month" };
  const m = /^(\d{1,3})d$/.exec(text);
  const days = m ? Number(m[1]) : 0;
  return days >= 1 && days <= 366 ? { kind: "days", days } : undefined;
}


/** The period that holds `unixS`. */
export function periodOf(spec: PeriodSpec, unixS: number): Period {
  if (spec.kind === "month") {
    const d = new Date(unixS * 1000);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    return { id: `${y}-${String(m + 1).padStart(2, "0")}`, from: Date.UTC(y, m, 1) / 1000, to: Date.UTC(y, m + 1, 1) / 1000 };
  }
  const len = spec.days * 86400;
  const from = Math.floor(unixS / len) * len;
  return { id: `${new Date(from * 1000).toISOString().slice(0, 10)}+${spec.days}d`, from, to: from + len };
}

