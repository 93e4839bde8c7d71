import { Command } from "commander";
import { createContext, type RegisterCommand } from "./command";
import { registerKeygen } from "./commands/keygen";
import { registerVerify } from "./commands/verify";
import { registerDemo } from "./commands/demo";
import { registerHost } from "./commands/host";
import { registerBuild } from "./commands/build";
import { registerBoards } from "./commands/boards";
import { registerSim } from "./commands/sim";
import { registerPorts } from "./commands/ports";
import { registerFlash } from "./commands/flash";
import { registerProvision } from "./commands/provision";
import { registerMonitor } from "./commands/monitor";

/** Every command, in the order `solkit --help` lists them. Each lives in host/commands/<name>.ts. */
const COMMANDS: RegisterCommand[] = [registerBoards, registerDemo, registerHost, registerKeygen, registerVerify, registerBuild, registerPorts, registerFlash, registerProvision, registerMonitor, registerSim];

const EXAMPLES = `
Examples:
  $ solkit demo                      a simulated meter signs an hour of readings; the host verifies them
  $ solkit keygen --json             a new device key pair as Stellar G…/S… strings
  $ solkit verify readings.log       check every frame in a serial log (exit 1 if any is bad)
  $ cat payloads.jsonl | solkit verify --json

Exit codes: 0 success, 1 a check failed, 2 bad usage or setup.
Run 'solkit <command> --help' for a command's own options and examples.`;

/** Builds the `solkit` program. Only registers; the commands do the work. */
export function buildProgram(onExit: (code: number) => void): Command {
  const program = new Command("solkit")
    .description("Firmware toolkit for pay-as-you-go solar: signed energy readings, offline-safe pay-to-power")
    .option("-v, --verbose", "show details and stack traces")
    .option("-q, --quiet", "print only results")
    .option("--json", "machine-readable output, one JSON object per line")
    .option("--no-color", "no ANSI colours")
    .addHelpText("after", EXAMPLES)
    .showSuggestionAfterError(true)
    .exitOverride();
  const ctx = createContext(program, onExit);
  for (const register of COMMANDS) register(program, ctx);
  return program;
}
