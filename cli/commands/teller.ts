import type { RegisterCommand } from "../command";
import { CliError, EXIT_OK } from "../errors";
import { summary as commandSummary } from "../command-list";
import { defaultConfig, loadConfig } from "../../host/gateway/config";

const EXAMPLES = `
Examples:
  $ solkit teller status -c site.json
  $ solkit teller status -c site.json --json | jq '.[] | select(.creditS < 86400)'

Per device: paid, energy billed, the share of the system owned, credit left (from its latest
verified reading), tokens not yet seen applied, and what happens next. The teller itself runs
inside 'solkit host' when the configuration has a "teller" section (docs/host-config.md).`;

function days(s: number | undefined): string {
  return s === undefined ? "?" : `${(s / 86400).toFixed(1)} d`;
}

/** `solkit teller status`: what the teller knows of each device (issue 12). */
export const registerTeller: RegisterCommand = (program, ctx) => {
  const cmd = program.command("teller").description(commandSummary("teller"));
  cmd
    .command("status")
    .description("per device: paid, billed, owned, credit left, tokens waiting, next action")
    .option("-c, --config <file>", "the host's configuration (with its \"teller\" section)")
    .addHelpText("after", EXAMPLES)
    .action(async (opts: { config?: string }) => {
      const out = ctx.output();
      let cfg;
      try {
        cfg = opts.config ? loadConfig(opts.config) : defaultConfig();
      } catch (e) {
        throw new CliError(`${(e as Error).message} (see docs/host-config.md)`);
      }
      if (cfg.teller === undefined) throw new CliError(`${opts.config ?? "the default configuration"} has no "teller" section; see docs/host-config.md`);
      const { openStore } = await import("../../host/gateway/store-sqlite");
      const { LocalLedger } = await import("../../host/ledger/local-ledger");
      const { Teller } = await import("../../host/teller/teller");
      const { fromStroops } = await import("../../host/ledger/ledger");
      const { MemoryLogger } = await import("../../host/gateway/log");
      const db = openStore(cfg.database);
      const ledger = new LocalLedger(cfg.teller.ledger);
      try {
        const t = new Teller({ db, ledger, project: cfg.teller.project, tariff: cfg.teller.tariff, systemValue: cfg.teller.systemValue, logger: new MemoryLogger(), deliver: () => false, notice: () => {} });
        const rows = t.status();
        if (out.jsonMode) {
          out.json(rows.map((r) => ({ ...r, paid: fromStroops(r.paid), billed: fromStroops(r.billed), ownership: r.ownershipPpm / 10_000 })));
        } else if (rows.length === 0) {
          out.line("no device has been paid for or heard from yet");
        } else {
          out.line(`${"DEVICE".padEnd(12)} ${"PAID".padStart(14)} ${"BILLED".padStart(14)} ${"OWNED".padStart(7)} ${"CREDIT".padStart(8)}  NEXT`);
          for (const r of rows) {
            out.line(`${r.device.slice(0, 10)}… ${fromStroops(r.paid).padStart(14)} ${fromStroops(r.billed).padStart(14)} ${`${(r.ownershipPpm / 10_000).toFixed(1)}%`.padStart(7)} ${(r.unlocked ? "unlocked" : days(r.creditS)).padStart(8)}  ${r.next}`);
          }
        }
      } finally {
        ledger.close();
        db.close();
      }
      ctx.exit(EXIT_OK);
    });
};
