/**
 * The paying parties of a demo or test site: a project and a customer, funded on a local ledger
 * in `dir`, their keys in an encrypted keystore there (a passphrase made for the run), and the
 * teller section that names them. Used by the simulated site and by `solkit demo --port`.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Keypair } from "@stellar/stellar-base";
import { Keystore } from "../../host/ledger/keystore";
import type { LocalLedger } from "../../host/ledger/local-ledger";
import { parseTellerConfig, type TellerConfig } from "../../host/teller/teller-config";

export interface SiteAccounts {
  project: Keypair;
  customer: Keypair;
  passphrase: string;
  teller: TellerConfig;
}

/**
 * @param ledger the local ledger at `<dir>/ledger.db`
 * @param autopayDevice the device the customer's key pays for (postpaid), if any
 * @throws Error when funding fails or the teller section is invalid
 */
export async function siteAccounts(dir: string, ledger: LocalLedger, o: { customerXlm: string; teller: Record<string, unknown>; autopayDevice?: string }): Promise<SiteAccounts> {
  const project = Keypair.random();
  const customer = Keypair.random();
  const passphrase = randomBytes(16).toString("hex");
  const ks = new Keystore(join(dir, "keys.json"), passphrase);
  ks.add("project", project);
  ks.add("customer", customer);
  for (const [who, xlm] of [[project, "20"], [customer, o.customerXlm]] as const) {
    const r = await ledger.fund(who.publicKey(), xlm);
    if (!r.successful) throw new Error(`funding ${who.publicKey()}: ${r.transaction}`);
  }
  const errors: string[] = [];
  const teller = parseTellerConfig({
    ...o.teller, ledger: join(dir, "ledger.db"), keystore: join(dir, "keys.json"), project: project.publicKey(), projectKey: "project",
    ...(o.autopayDevice ? { autopay: { [o.autopayDevice]: "customer" } } : {}),
  }, dir, (p, m) => errors.push(`${p}: ${m}`));
  if (errors.length || teller === undefined) throw new Error(`the site's teller section: ${errors.join("; ")}`);
  return { project, customer, passphrase, teller };
}
