import type { Command } from "commander";
import type { RegisterCommand } from "../command";
import { CliError, EXIT_FAILED, EXIT_OK } from "../errors";
import { paint, type Output } from "../output";
import { summary as commandSummary } from "../command-list";
import { SolkitError } from "../../shared/errors";
import { isPublicKey } from "../../shared/crypto/strkey";

interface LedgerOpts {
  ledger: string;
  keystore: string;
}

const EXAMPLES = `
Examples:
  $ export SOLKIT_KEYSTORE_PASSPHRASE=…                     secrets are stored encrypted with it
  $ solkit ledger account new project --fund 100
  $ solkit ledger account new customer --fund 20
  $ solkit ledger account new issuer --fund 10
  $ solkit ledger issue USDC --issuer issuer --to customer --amount 500
  $ solkit ledger trust project --asset USDC:issuer
  $ solkit ledger pay --from customer --to project --amount 25 --asset USDC:issuer --memo GABCDEFGHIJKLMNOPQRSTUVWXYZ23
  $ solkit ledger balances customer --json
  $ solkit ledger history project

The local ledger (default .solkit/ledger.db) takes real Stellar transactions, built and signed
with @stellar/stellar-base, and refuses what stellar-core would with Stellar's own result codes
(tx_bad_seq, op_underfunded, op_no_trust, …). Accounts are named in the keystore (default
.solkit/keys.json, mode 0600); anywhere an account is asked for, a G… id works too.`;

/** An account's G… id from a keystore name or an id. @throws CliError for neither */
function accountId(ks: import("../../host/ledger/keystore").Keystore, nameOrId: string): string {
  if (isPublicKey(nameOrId)) return nameOrId;
  const id = ks.publicOf(nameOrId);
  if (id === undefined) throw new CliError(`no account "${nameOrId.slice(0, 40)}" in ${ks.file}: create it with 'solkit ledger account new ${nameOrId.slice(0, 32)}', or give a G… id`);
  return id;
}

async function open(o: LedgerOpts) {
  const { LocalLedger } = await import("../../host/ledger/local-ledger");
  const { Keystore } = await import("../../host/ledger/keystore");
  try {
    return { ledger: new LocalLedger(o.ledger), ks: new Keystore(o.keystore) };
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** Prints a submission's outcome; a refusal is exit 1 with Stellar's codes. */
function report(out: Output, what: string, r: import("../../host/ledger/ledger").SubmitResult): number {
  if (out.jsonMode) out.json({ what, ...r, feeCharged: r.feeCharged.toString() });
  else if (r.successful) out.line(`${paint(out, "green", "✓")} ${what}  (ledger ${r.ledger}, tx ${r.hash})`);
  else out.line(`${paint(out, "red", "✗")} ${what} refused: ${r.transaction}${r.operations.length ? ` [${r.operations.join(", ")}]` : ""}${r.hash ? `  (tx ${r.hash})` : ""}`);
  return r.successful ? EXIT_OK : EXIT_FAILED;
}

/** An asset from "native", "XLM" or "CODE:issuer" (issuer a keystore name or G… id). */
async function assetOf(ks: import("../../host/ledger/keystore").Keystore, text: string | undefined) {
  if (text === undefined || text === "native" || text === "XLM") return "native" as const;
  const [code, issuer] = text.split(":");
  if (!/^[A-Za-z0-9]{1,12}$/.test(code) || issuer === undefined) throw new CliError(`--asset expects XLM or CODE:ISSUER (e.g. USDC:issuer), got "${text.slice(0, 40)}"`);
  return { code, issuer: accountId(ks, issuer) };
}

function amountText(text: string, flag: string): string {
  if (!/^\d{1,12}(\.\d{1,7})?$/.test(text) || Number(text) <= 0) throw new CliError(`${flag} expects a positive amount with up to 7 decimals, got "${text.slice(0, 30)}"`);
  return text;
}

function run(ctx: Parameters<RegisterCommand>[1], fn: (out: Output) => Promise<number>): () => Promise<void> {
  return async () => {
    const out = ctx.output();
    try {
      ctx.exit(await fn(out));
    } catch (e) {
      if (e instanceof SolkitError && e.code === "E_KEYSTORE") throw new CliError(e.message);
      throw e;
    }
  };
}

/** `solkit ledger …`: the local ledger's accounts, assets, payments and history (issue 12). */
export const registerLedger: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command("ledger")
    .description(commandSummary("ledger"))
    .option("--ledger <file>", "the local ledger's file", ".solkit/ledger.db")
    .option("--keystore <file>", "named accounts and their encrypted secrets", ".solkit/keys.json")
    .addHelpText("after", EXAMPLES);
  const common = (c: Command): LedgerOpts => c.optsWithGlobals() as LedgerOpts;

  const account = cmd.command("account").description("accounts in the keystore");
  account
    .command("new <name>")
    .description("make a key pair, keep it in the keystore (encrypted), and optionally fund it from the ledger's root")
    .option("--fund <xlm>", "lumens to create the account with (at least 1, the base reserve)")
    .action((name: string, o: { fund?: string }, c: Command) =>
      run(ctx, async (out) => {
        const { ledger, ks } = await open(common(c));
        const { Keypair } = await import("@stellar/stellar-base");
        const kp = Keypair.random();
        ks.add(name, kp);
        if (!out.jsonMode) out.line(`${name}  ${kp.publicKey()}  (secret encrypted in ${ks.file})`);
        if (o.fund === undefined) return EXIT_OK;
        return report(out, `${name} created with ${o.fund} XLM`, await ledger.fund(kp.publicKey(), amountText(o.fund, "--fund")));
      })(),
    );
  account
    .command("list")
    .description("the keystore's names and ids (no passphrase needed)")
    .action((_o: unknown, c: Command) =>
      run(ctx, async (out) => {
        const { ks } = await open(common(c));
        for (const a of ks.list()) (out.jsonMode ? out.json(a) : out.line(`${a.name.padEnd(16)} ${a.public}`));
        return EXIT_OK;
      })(),
    );

  cmd
    .command("fund <account>")
    .description("create an account with lumens from the ledger's root (the local friendbot)")
    .requiredOption("--xlm <amount>", "lumens")
    .action((who: string, o: { xlm: string }, c: Command) =>
      run(ctx, async (out) => {
        const { ledger, ks } = await open(common(c));
        return report(out, `${who} funded with ${o.xlm} XLM`, await ledger.fund(accountId(ks, who), amountText(o.xlm, "--xlm")));
      })(),
    );

  cmd
    .command("issue <code>")
    .description("issue an asset (a stablecoin) to an account: it trusts the issuer, the issuer pays it")
    .requiredOption("--issuer <account>", "the issuing account (keystore name)")
    .requiredOption("--to <account>", "who receives it (keystore name: it signs its trustline)")
    .requiredOption("--amount <n>", "how much")
    .option("--limit <n>", "the trustline's limit (default: the maximum)")
    .action((code: string, o: { issuer: string; to: string; amount: string; limit?: string }, c: Command) =>
      run(ctx, async (out) => {
        const { ledger, ks } = await open(common(c));
        const asset = { code, issuer: accountId(ks, o.issuer) };
        const trusted = await ledger.trust(ks.keypair(o.to), asset, o.limit === undefined ? undefined : amountText(o.limit, "--limit"));
        if (report(out, `${o.to} trusts ${code}`, trusted) !== EXIT_OK) return EXIT_FAILED;
        return report(out, `${o.amount} ${code} issued to ${o.to}`, await ledger.pay(ks.keypair(o.issuer), accountId(ks, o.to), asset, amountText(o.amount, "--amount")));
      })(),
    );

  cmd
    .command("trust <account>")
    .description("let an account hold an issued asset (a trustline, signed with its key)")
    .requiredOption("--asset <asset>", "CODE:ISSUER")
    .option("--limit <n>", "most it may hold (default: the maximum); 0 removes an empty trustline")
    .action((who: string, o: { asset: string; limit?: string }, c: Command) =>
      run(ctx, async (out) => {
        const { ledger, ks } = await open(common(c));
        const asset = await assetOf(ks, o.asset);
        if (asset === "native") throw new CliError("--asset: XLM needs no trustline; give CODE:ISSUER");
        const limit = o.limit === undefined ? undefined : o.limit === "0" ? "0" : amountText(o.limit, "--limit");
        return report(out, `${who} trusts ${asset.code}`, await ledger.trust(ks.keypair(who), asset, limit));
      })(),
    );

  cmd
    .command("pay")
    .description("a payment, signed with the sender's key from the keystore")
    .requiredOption("--from <account>", "the payer (keystore name)")
    .requiredOption("--to <account>", "the payee (keystore name or G…)")
    .requiredOption("--amount <n>", "how much")
    .option("--asset <asset>", "XLM (default) or CODE:ISSUER")
    .option("--memo <text>", "a text memo, up to 28 bytes (the teller reads a device id's first 28 characters)")
    .action((o: { from: string; to: string; amount: string; asset?: string; memo?: string }, c: Command) =>
      run(ctx, async (out) => {
        const { ledger, ks } = await open(common(c));
        const { Memo } = await import("@stellar/stellar-base");
        if (o.memo !== undefined && Buffer.byteLength(o.memo) > 28) throw new CliError(`--memo holds up to 28 bytes, got ${Buffer.byteLength(o.memo)}`);
        const asset = await assetOf(ks, o.asset);
        const r = await ledger.pay(ks.keypair(o.from), accountId(ks, o.to), asset, amountText(o.amount, "--amount"), o.memo === undefined ? undefined : Memo.text(o.memo));
        return report(out, `${o.from} paid ${o.amount} ${asset === "native" ? "XLM" : asset.code} to ${o.to}`, r);
      })(),
    );

  cmd
    .command("balances <account>")
    .description("an account's balances, sequence and reserve")
    .action((who: string, _o: unknown, c: Command) =>
      run(ctx, async (out) => {
        const { ledger, ks } = await open(common(c));
        const { fromStroops } = await import("../../host/ledger/ledger");
        const a = ledger.accountNow(accountId(ks, who));
        if (a === undefined) throw new CliError(`${who} has no account on this ledger yet: fund it (solkit ledger fund ${who} --xlm 10)`);
        const rows = a.balances.map((b) => ({ asset: b.asset === "native" ? "XLM" : `${b.asset.code}:${b.asset.issuer}`, balance: fromStroops(b.balance), limit: b.limit === undefined ? undefined : fromStroops(b.limit) }));
        if (out.jsonMode) out.json({ id: a.id, sequence: a.sequence.toString(), subentries: a.subentries, balances: rows });
        else {
          out.line(`${who}  ${a.id}  sequence ${a.sequence}  reserve ${(2 + a.subentries) * 0.5} XLM`);
          for (const r of rows) out.line(`  ${r.balance.padStart(22)}  ${r.asset}${r.limit ? `  (limit ${r.limit})` : ""}`);
        }
        return EXIT_OK;
      })(),
    );

  cmd
    .command("history <account>")
    .description("payments to and from an account, oldest first, with their transaction hashes")
    .action((who: string, _o: unknown, c: Command) =>
      run(ctx, async (out) => {
        const { ledger, ks } = await open(common(c));
        const { fromStroops } = await import("../../host/ledger/ledger");
        const id = accountId(ks, who);
        for (const p of await ledger.payments(id)) {
          const asset = p.asset === "native" ? "XLM" : p.asset.code;
          const row = { ledger: p.ledger, at: new Date(p.at * 1000).toISOString(), from: p.from, to: p.to, amount: fromStroops(p.amount), asset, memo: p.memo, hash: p.hash };
          if (out.jsonMode) out.json(row);
          else out.line(`${String(p.ledger).padStart(6)}  ${p.to === id ? "in " : "out"}  ${row.amount.padStart(20)} ${asset.padEnd(5)} ${p.to === id ? "from" : "to"} ${(p.to === id ? p.from : p.to).slice(0, 8)}…  ${p.memo ? `memo "${p.memo}"  ` : ""}tx ${p.hash.slice(0, 16)}…`);
        }
        return EXIT_OK;
      })(),
    );
};
