import type { RegisterCommand } from "../command";
import { CliError } from "../cli-error";
import { loadBoard } from "../boards/validate";
import { buildFirmware, type BuildReport } from "../build/firmware";
import { type BuildProfile, parseProfile } from "../build/firmware-profile";
import type { Output } from "../output";

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

function printSummary(out: Output, r: BuildReport): void {
  out.line(`built ${r.file} for ${r.board} (${r.target})`);
  out.line(`  profile   ${r.profile} (${r.profileReason})${r.nativeHashes.length > 0 ? `; native ${r.nativeHashes.join(", ")}` : ""}`);
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
    .option("-p, --profile <profile>", "full (table-based signing, big bundle) or small (compact, slower signing); default: the first that fits the board")
    .addHelpText("after", `
Examples:
  $ solkit build --board esp32-devkitc
  $ solkit build --board espruino-wifi --out /tmp/wifi --json
  $ solkit build --board esp32-devkitc --profile small

The build fails, naming the cause, when the program uses a language feature Espruino lacks,
when the bundle leaves too little Storage for the outbox, or when it needs too many variables.
Without --profile it takes "full" when that fits the board, else "small" (docs/building.md).`)
    .action(async (opts: { board: string; out?: string; profile?: string }) => {
      const out = ctx.output();
      const board = loadBoard(opts.board);
      out.info(`building ${board.id}…`);
      let report: BuildReport;
      let profile: BuildProfile | undefined = undefined;
      try {
        if (opts.profile !== undefined) profile = parseProfile(opts.profile);
        report = await buildFirmware(board, { outDir: opts.out, profile });
      } catch (err: any) {
        if (err && (err.code === "E_UNSUPPORTED" || err.code === "E_USAGE")) throw new CliError(err.message);
        throw err;
      }
      if (out.jsonMode) out.json(report);
      else printSummary(out, report);
    });
};
