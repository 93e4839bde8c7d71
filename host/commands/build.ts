import type { RegisterCommand } from "../command";
import { CliError } from "../cli-error";
import { loadBoard } from "../boards/validate";
import { buildFirmware, type BuildReport } from "../build/firmware";
import type { Output } from "../output";

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

function printSummary(out: Output, r: BuildReport): void {
  out.line(`built ${r.file} for ${r.board} (${r.target})`);
  out.line(`  size      ${r.bytes} bytes (${kb(r.bytes)}), gzip ${r.gzipBytes} bytes`);
  out.line(`  storage   ${kb(r.storage.storageBytes)}: code ${kb(r.storage.codeBytes)}, journals ${kb(r.storage.journalBytes)}, ` +
    `outbox ${r.storage.outboxCapacity} readings (${r.storage.offlineHours.toFixed(1)} h offline at 60 s)`);
  out.line(`  variables about ${r.vars.estimate} of ${r.vars.budget} (${Math.round((100 * r.vars.estimate) / r.vars.budget)} %, static estimate)`);
  out.line("  largest modules:");
  for (const m of r.modules.slice(0, 5)) out.line(`    ${String(m.bytes).padStart(7)}  ${m.id}`);
}

/** `solkit build --board <id>`: the bundle `solkit flash` uploads and `solkit sim` runs. */
export const registerBuild: RegisterCommand = (program, ctx) => {
  program
    .command("build")
    .description("build the device program for a board into dist/<board>/ (firmware.js + report.json)")
    .requiredOption("-b, --board <id>", "board id (see 'solkit boards')")
    .option("-o, --out <dir>", "output folder instead of dist/<board>")
    .addHelpText("after", `
Examples:
  $ solkit build --board esp32-devkitc
  $ solkit build --board espruino-wifi --out /tmp/wifi --json

The build fails, naming the cause, when the program uses a language feature Espruino lacks,
when the bundle leaves too little Storage for the outbox, or when it needs too many variables.`)
    .action(async (opts: { board: string; out?: string }) => {
      const out = ctx.output();
      const board = loadBoard(opts.board);
      out.info(`building ${board.id}…`);
      let report: BuildReport;
      try {
        report = await buildFirmware(board, opts.out);
      } catch (err: any) {
        if (err && err.code === "E_UNSUPPORTED") throw new CliError(err.message);
        throw err;
      }
      if (out.jsonMode) out.json(report);
      else printSummary(out, report);
    });
};
