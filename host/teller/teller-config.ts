/**
 * The `teller` section of the host's configuration (docs/host-config.md): which ledger, the
 * project's account, the asset and the prices. Amounts are Stellar decimals ("1.5").
 *
 *   "teller": { "ledger": "ledger.db", "project": "G…", "asset": "XLM",
 *               "pricePerDay": "1", "pricePerKwh": "0.2", "systemValue": "300",
 *               "noticeDays": 2, "reminderHours": 6, "pollSeconds": 5,
 *               "bands": [{ "from": "18:00", "to": "22:00", "pricePerKwh": "0.3" }] }
 */
import { isAbsolute, resolve } from "node:path";
import { isPublicKey } from "../../shared/crypto/strkey";
import { toStroops, type AssetId } from "../ledger/ledger";
import type { Band, Tariff } from "./tariff";

export interface TellerConfig {
  /** The local ledger's file (the only ledger the host runs itself; Horizon is not built yet). */
  ledger: string;
  project: string;
  tariff: Tariff;
  systemValue: bigint;
  noticeS: number;
  reminderS: number;
  pollMs: number;
}

type Err = (path: string, msg: string) => void;

function amount(v: unknown, path: string, err: Err, dflt?: string): bigint {
  if (v === undefined && dflt !== undefined) return toStroops(dflt);
  if (typeof v !== "string" || !/^\d{1,12}(\.\d{1,7})?$/.test(v)) {
    err(path, `expected an amount such as "1.5" (up to 7 decimals), got ${JSON.stringify(v)}`);
    return 0n;
  }
  return toStroops(v);
}

function minute(v: unknown, path: string, err: Err): number {
  const m = typeof v === "string" ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v) : null;
  if (!m) {
    err(path, `expected a time "HH:MM" (UTC), got ${JSON.stringify(v)}`);
    return 0;
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Checks the section, reporting every problem through `err`; relative paths against `base`. */
export function parseTellerConfig(raw: unknown, base: string, err: Err): TellerConfig | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    err("$.teller", "expected an object");
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  const known = ["ledger", "project", "asset", "pricePerDay", "pricePerKwh", "systemValue", "noticeDays", "reminderHours", "pollSeconds", "bands"];
  for (const k of Object.keys(o)) if (!known.includes(k)) err(`$.teller.${k}`, `unknown key (known: ${known.join(", ")})`);
  const ledger = typeof o.ledger === "string" ? o.ledger : ".solkit/ledger.db";
  if (typeof o.project !== "string" || !isPublicKey(o.project)) err("$.teller.project", `expected the project's account id G…, got ${JSON.stringify(o.project)}`);
  let asset: AssetId = "native";
  if (o.asset !== undefined && o.asset !== "XLM") {
    const [code, issuer] = typeof o.asset === "string" ? o.asset.split(":") : [];
    if (!code || !/^[A-Za-z0-9]{1,12}$/.test(code) || !issuer || !isPublicKey(issuer)) err("$.teller.asset", `expected "XLM" or "CODE:G…issuer", got ${JSON.stringify(o.asset)}`);
    else asset = { code, issuer };
  }
  const num = (v: unknown, path: string, dflt: number, min: number, max: number) => {
    if (v === undefined) return dflt;
    if (typeof v !== "number" || !(v >= min && v <= max)) {
      err(path, `expected a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
      return dflt;
    }
    return v;
  };
  const bands: Band[] = [];
  if (o.bands !== undefined && !Array.isArray(o.bands)) err("$.teller.bands", "expected an array");
  if (Array.isArray(o.bands)) {
    o.bands.forEach((b, i) => {
      const bo = (typeof b === "object" && b !== null ? b : {}) as Record<string, unknown>;
      bands.push({ from: minute(bo.from, `$.teller.bands[${i}].from`, err), to: minute(bo.to, `$.teller.bands[${i}].to`, err), pricePerKwh: amount(bo.pricePerKwh, `$.teller.bands[${i}].pricePerKwh`, err) });
    });
  }
  const pricePerDay = amount(o.pricePerDay, "$.teller.pricePerDay", err);
  if (pricePerDay === 0n) err("$.teller.pricePerDay", "must be more than 0: it is what a payment buys days with");
  return {
    ledger: isAbsolute(ledger) ? ledger : resolve(base, ledger),
    project: typeof o.project === "string" ? o.project : "",
    tariff: { asset, pricePerDay, pricePerKwh: amount(o.pricePerKwh, "$.teller.pricePerKwh", err, "0"), bands },
    systemValue: amount(o.systemValue, "$.teller.systemValue", err, "0"),
    noticeS: num(o.noticeDays, "$.teller.noticeDays", 2, 0, 365) * 86400,
    reminderS: num(o.reminderHours, "$.teller.reminderHours", 6, 0, 24 * 30) * 3600,
    pollMs: num(o.pollSeconds, "$.teller.pollSeconds", 5, 1, 3600) * 1000,
  };
}
