/**
 * The ledger a configuration names: the local ledger file (the embedded default), or Horizon
 * on a Stellar network (testnet, public, or another network by its passphrase).
 */
import { Networks } from "@stellar/stellar-base";
import { HorizonLedger } from "./horizon-ledger";
import { LocalLedger } from "./local-ledger";
import type { Ledger } from "./ledger";

export interface LedgerChoice {
  /** The local ledger's file. */
  file: string;
  /** When set, Horizon instead. */
  horizon?: { url: string; network: string };
}

/** A network's passphrase from "testnet", "public", or the passphrase itself. */
export function networkPassphrase(network: string): string {
  return network === "testnet" ? Networks.TESTNET : network === "public" ? Networks.PUBLIC : network;
}

export function openLedger(c: LedgerChoice, nowS?: () => number): Ledger & { close(): void; describe: string } {
  if (c.horizon) {
    const l = new HorizonLedger({ url: c.horizon.url, networkPassphrase: networkPassphrase(c.horizon.network) });
    return Object.assign(l, { describe: `Horizon ${c.horizon.url} (${c.horizon.network})` });
  }
  const l = new LocalLedger(c.file, nowS ? { now: nowS } : {});
  return Object.assign(l, { describe: `the local ledger ${c.file}` });
}
