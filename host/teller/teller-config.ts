/**
 * The `teller` section of the host's configuration (docs/host-config.md): which ledger, the
 * project's account, the asset and the prices. Amounts are Stellar decimals ("1.5").
 *
 *   "teller": { "ledger": "ledger.db", "project": "G…", "asset": "XLM",
 *               "pricePerDay": "1", "pricePerKwh": "0.2", "systemValue": "300",
 *               "noticeDays": 2, "reminderHours": 6, "pollSeconds": 5,
 *               "bands": [{ "from": "18:00", "to": "22:00", "pricePerKwh": "0.3" }],
 *               "mode": "postpaid", "period": "month", "graceDays": 3, "instalment": "5",
 *               "keystore": "keys.json", "projectKey": "project", "autopay": { "G…device": "alice" },
 *               "price": { "url": "http://…/price.json", "maxAgeSeconds": 3600 },
 *               "horizon": { "url": "https://horizon-testnet.stellar.org", "network": "testnet" } }
 *
 * Notice and reminder thresholds must nest (reminder before notice; postpaid: both within the
 * grace period), so no stage of the run-down is skipped or said out of order.
 */
import { isAbsolute, resolve } from "node:path";
import { isPublicKey } from "../../shared/crypto/strkey";
import { toStroops, type AssetId } from "../ledger/ledger";
import type { Band, Tariff } from "./tariff";
import { parsePeriodSpec, type PeriodSpec } from "./periods";
import type { OracleConfig } from "./oracle";

export interface TellerConfig {
  /** The local ledger's file (the embedded default). */
  ledger: string;
  /** Horizon on a Stellar network instead of the local ledger. */
  horizon?: { url: string; network: string };
  project: string;
  tariff: Tariff;
  systemValue: bigint;
  noticeS: number;
  reminderS: number;
  pollMs: number;
  mode: "prepaid" | "postpaid";
  period: PeriodSpec;
  graceS: number;
  instalment: bigint;
  /** The keystore file (keystore.ts) and the names in it: the project's key (anchors), customers' (autopay). */
  keystore: string;
  projectKey?: string;
  autopay: Record<string, string>;
  price?: OracleConfig;
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
  const known = ["ledger", "project", "asset", "pricePerDay", "pricePerKwh", "systemValue", "noticeDays", "reminderHours", "pollSeconds", "bands",
    "mode", "period", "graceDays", "instalment", "keystore", "projectKey", "autopay", "price", "horizon"];
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
  const mode = o.mode === "postpaid" ? "postpaid" : "prepaid";
  if (o.mode !== undefined && o.mode !== "prepaid" && o.mode !== "postpaid") err("$.teller.mode", `expected "prepaid" or "postpaid", got ${JSON.stringify(o.mode)}`);
  const period = typeof o.period === "string" ? parsePeriodSpec(o.period) : o.period === undefined ? { kind: "month" as const } : undefined;
  if (period === undefined) err("$.teller.period", `expected "month" or a number of days such as "14d", got ${JSON.stringify(o.period)}`);
  const noticeS = num(o.noticeDays, "$.teller.noticeDays", 2, 0, 365) * 86400;
  const reminderS = num(o.reminderHours, "$.teller.reminderHours", 6, 0, 24 * 30) * 3600;
  const graceS = num(o.graceDays, "$.teller.graceDays", 3, 0, 90) * 86400;
  if (reminderS >= noticeS) err("$.teller.reminderHours", `the reminder (${reminderS / 3600} h before the end) must come after the notice (${noticeS / 86400} days before)`);
  if (mode === "postpaid" && noticeS > graceS) err("$.teller.noticeDays", `postpaid: the notice (${noticeS / 86400} days before the end) must fall within the grace period (graceDays ${graceS / 86400})`);
  const str = (v: unknown, path: string): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== "string" || !/^[a-z][a-z0-9-]{0,31}$/.test(v)) err(path, `expected a keystore name (lower case, digits, '-'), got ${JSON.stringify(v)}`);
    return typeof v === "string" ? v : undefined;
  };
  const autopay: Record<string, string> = {};
  if (o.autopay !== undefined && (typeof o.autopay !== "object" || o.autopay === null || Array.isArray(o.autopay))) err("$.teller.autopay", "expected an object: device id → keystore name");
  else for (const [dev, name] of Object.entries((o.autopay ?? {}) as Record<string, unknown>)) {
    if (!isPublicKey(dev)) err(`$.teller.autopay.${dev}`, "expected a device id G…");
    const n = str(name, `$.teller.autopay.${dev}`);
    if (n) autopay[dev] = n;
  }
  if (Object.keys(autopay).length > 0 && mode !== "postpaid") err("$.teller.autopay", 'autopay pays bills: it needs "mode": "postpaid"');
  let price: OracleConfig | undefined;
  if (o.price !== undefined) {
    const p = (typeof o.price === "object" && o.price !== null ? o.price : {}) as Record<string, unknown>;
    for (const k of Object.keys(p)) if (!["url", "broker", "topic", "maxAgeSeconds", "pollSeconds", "maxPricePerKwh"].includes(k)) err(`$.teller.price.${k}`, "unknown key (known: url, broker, topic, maxAgeSeconds, pollSeconds, maxPricePerKwh)");
    const url = typeof p.url === "string" && /^https?:\/\//.test(p.url) ? p.url : undefined;
    const broker = typeof p.broker === "string" && /^mqtts?:\/\//.test(p.broker) ? p.broker : undefined;
    const topic = typeof p.topic === "string" && p.topic !== "" && !/[#+]/.test(p.topic) ? p.topic : undefined;
    if (!url && !(broker && topic)) err("$.teller.price", 'expected "url": "http(s)://…", or "broker": "mqtt://…" with a "topic" (no wildcards)');
    const kwh = amount(o.pricePerKwh, "$.teller.pricePerKwh", () => {}, "0");
    const maxPrice = p.maxPricePerKwh === undefined ? kwh * 10n : amount(p.maxPricePerKwh, "$.teller.price.maxPricePerKwh", err);
    if (maxPrice === 0n) err("$.teller.price.maxPricePerKwh", "give the highest price the oracle may set (default 10 × pricePerKwh, which is 0 here)");
    price = { maxPrice, url, broker, topic, maxAgeS: num(p.maxAgeSeconds, "$.teller.price.maxAgeSeconds", 3600, 1, 30 * 86400), pollMs: num(p.pollSeconds, "$.teller.price.pollSeconds", 60, 1, 86400) * 1000 };
  }
  const keystore = typeof o.keystore === "string" ? o.keystore : ".solkit/keys.json";
  let horizon: TellerConfig["horizon"];
  if (o.horizon !== undefined) {
    const h = (typeof o.horizon === "object" && o.horizon !== null ? o.horizon : {}) as Record<string, unknown>;
    const url = typeof h.url === "string" && (/^https:\/\//.test(h.url) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(h.url)) ? h.url : undefined;
    if (!url) err("$.teller.horizon.url", `expected Horizon's https:// URL (e.g. "https://horizon-testnet.stellar.org"), got ${JSON.stringify(h.url)}`);
    const network = typeof h.network === "string" && h.network !== "" ? h.network : undefined;
    if (!network) err("$.teller.horizon.network", `expected "testnet", "public" or a network passphrase, got ${JSON.stringify(h.network)}`);
    if (o.ledger !== undefined) err("$.teller.ledger", "give either a local ledger file or horizon, not both");
    horizon = url && network ? { url, network } : undefined;
  }
  return {
    horizon, mode, period: period ?? { kind: "month" }, graceS, instalment: amount(o.instalment, "$.teller.instalment", err, "0"),
    keystore: isAbsolute(keystore) ? keystore : resolve(base, keystore), projectKey: str(o.projectKey, "$.teller.projectKey"), autopay, price,
    ledger: isAbsolute(ledger) ? ledger : resolve(base, ledger),
    project: typeof o.project === "string" ? o.project : "",
    tariff: { asset, pricePerDay, pricePerKwh: amount(o.pricePerKwh, "$.teller.pricePerKwh", err, "0"), bands },
    systemValue: amount(o.systemValue, "$.teller.systemValue", err, "0"),
    noticeS,
    reminderS,
    pollMs: num(o.pollSeconds, "$.teller.pollSeconds", 5, 1, 3600) * 1000,
  };
}
