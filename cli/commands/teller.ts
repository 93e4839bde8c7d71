import type { RegisterCommand } from "../command";
import type { Output } from "../output";
import { CliError, EXIT_OK } from "../errors";
import { summary as commandSummary } from "../command-list";
import { defaultConfig, loadConfig, type GatewayConfig } from "../../host/gateway/config";
import type { Teller } from "../../host/teller/teller";

const EXAMPLES = `
Examples:
  $ solkit teller status -c site.json
  $ solkit teller status -c site.json --json | jq '.[] | select(.creditS < 86400)'
  $ solkit teller bills -c site.json --device GBCN…

Per device: paid, energy billed, what is owed (postpaid), this period's energy and bill so far,
the share of the system owned, credit left (from its latest verified reading), tokens not yet
seen applied, and what happens next and when. The teller itself runs inside 'solkit host' when
the configuration has a "teller" section (docs/host-config.md).`;

function days(s: number | undefined): string {
  return s === undefined ? "?" : `${(s / 86400).toFixed(1)} d`;
}

/** Opens the host's database and ledger read-only in spirit: the teller here sends nothing. */
async function withTeller(config: string | undefined, f: (t: Teller, fromStroops: (n: bigint) => string) => void): Promise<void> {
  let cfg: GatewayConfig;
  try {
    cfg = config ? loadConfig(config) : defaultConfig();
  } catch (e) {
    throw new CliError(`${(e as Error).message} (see docs/host-config.md)`);
  }
  const tc = cfg.teller;
  if (tc === undefined) throw new CliError(`${config ?? "the default configuration"} has no "teller" section; see docs/host-config.md`);
  const { openStore } = await import("../../host/gateway/store-sqlite");
  const { openLedger } = await import("../../host/ledger/open-ledger");
  const { Teller } = await import("../../host/teller/teller");
  const { PriceOracle } = await import("../../host/teller/oracle");
  const { fromStroops } = await import("../../host/ledger/ledger");
  const { MemoryLogger } = await import("../../host/gateway/log");
  const db = openStore(cfg.database);
  const ledger = openLedger({ file: tc.ledger, horizon: tc.horizon });
  try {
    const log = new MemoryLogger();
    const oracle = tc.price && new PriceOracle(db, tc.tariff, tc.price, log, () => Math.floor(Date.now() / 1000));
    const t = new Teller({
      db, ledger, project: tc.project, tariff: tc.tariff, systemValue: tc.systemValue, logger: log, deliver: () => false, notice: () => {},
      mode: tc.mode, period: tc.period, graceS: tc.graceS, instalment: tc.instalment, noticeS: tc.noticeS, reminderS: tc.reminderS, priceAt: oracle ? (s) => oracle.priceAt(s) : undefined,
    });
    f(t, fromStroops);
  } finally {
    ledger.close();
    db.close();
  }
}

function when(s: number | undefined): string {
  return s === undefined ? "" : ` (${new Date(s * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC)`;
}

/** `solkit teller status|bills`: what the teller knows of each device (issue 12). */
export const registerTeller: RegisterCommand = (program, ctx) => {
  const cmd = program.command("teller").description(commandSummary("teller"));
  cmd
    .command("status")
    .description("per device: paid, billed, owed, this period, owned, credit left, next action")
    .option("-c, --config <file>", "the host's configuration (with its \"teller\" section)")
    .addHelpText("after", EXAMPLES)
    .action(async (opts: { config?: string }) => {
      const out: Output = ctx.output();
      await withTeller(opts.config, (t, s) => {
        const rows = t.status();
        if (out.jsonMode) {
          out.json(rows.map((r) => ({ ...r, paid: s(r.paid), billed: s(r.billed), owed: s(r.owed), periodBill: s(r.periodBill), ownership: r.ownershipPpm / 10_000 })));
        } else if (rows.length === 0) {
          out.line("no device has been paid for or heard from yet");
        } else {
          out.line(`${"DEVICE".padEnd(12)} ${"PAID".padStart(13)} ${"BILLED".padStart(13)} ${"OWED".padStart(11)} ${"THIS PERIOD".padStart(22)} ${"OWNED".padStart(6)} ${"CREDIT".padStart(8)}  NEXT`);
          for (const r of rows) {
            const period = `${(r.periodEnergyMwh / 1e6).toFixed(1)} kWh ${s(r.periodBill)}`;
            out.line(`${r.device.slice(0, 10)}… ${s(r.paid).padStart(13)} ${s(r.billed).padStart(13)} ${s(r.owed).padStart(11)} ${period.padStart(22)} ${`${(r.ownershipPpm / 10_000).toFixed(1)}%`.padStart(6)} ${(r.unlocked ? "unlocked" : days(r.creditS)).padStart(8)}  ${r.next}${when(r.nextAt)}`);
          }
        }
      });
      ctx.exit(EXIT_OK);
    });
  cmd
    .command("bills")
    .description("closed periods: energy, bill, the readings covered, the anchor and the payment")
    .option("-c, --config <file>", "the host's configuration (with its \"teller\" section)")
    .option("--device <id>", "one device only")
    .addHelpText("after", `
Examples:
  $ solkit teller bills -c site.json
  $ solkit teller bills -c site.json --json | jq '.[0].statement'
  $ solkit verify --anchor <anchor tx> -c site.json     proves a bill against the readings`)
    .action(async (opts: { config?: string; device?: string }) => {
      const out: Output = ctx.output();
      await withTeller(opts.config, (t) => {
        const rows = t.bills(opts.device);
        if (out.jsonMode) {
          out.json(rows.map((b) => ({ device: b.device, period: b.period, bill: JSON.parse(b.statement).bill, due: b.due, statement: JSON.parse(b.statement), digest: b.digest, anchor: { state: b.anchor_state, tx: b.anchor_hash }, payment: { state: b.pay_state, tx: b.pay_hash } })));
          return;
        }
        if (rows.length === 0) return out.line("no period has closed yet");
        out.line(`${"DEVICE".padEnd(12)} ${"PERIOD".padEnd(14)} ${"ENERGY".padStart(10)} ${"BILL".padStart(13)}  READINGS         ANCHOR`);
        for (const b of rows) {
          const st = JSON.parse(b.statement) as { energyMwh: number; bill: string; firstSeq: number | null; lastSeq: number | null };
          const anchor = b.anchor_state === "anchored" ? b.anchor_hash! : b.anchor_state;
          out.line(`${b.device.slice(0, 10)}… ${b.period.padEnd(14)} ${`${(st.energyMwh / 1e6).toFixed(2)} kWh`.padStart(10)} ${st.bill.padStart(13)}  ${`${st.firstSeq ?? "-"}..${st.lastSeq ?? "-"}`.padEnd(16)} ${anchor}${b.pay_state ? `  payment: ${b.pay_state}` : ""}`);
        }
      });
      ctx.exit(EXIT_OK);
    });
};
