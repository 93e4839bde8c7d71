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
const COMMANDS: RegisterCommand[] = [
  // the board's life: pick it, build, flash, provision, watch
  registerBoards, registerBuild, registerPorts, registerFlash, registerProvision, registerMonitor,
  // without hardware; the host side; tools
  registerSim, registerHost, registerVerify, registerKeygen, registerDemo,
];

const EXAMPLES = `
Examples:
  $ solkit build --board esp32-devkitc                 dist/esp32-devkitc/firmware.js and report.json
  $ solkit flash --board esp32-devkitc --port /dev/ttyUSB0
  $ solkit provision --board esp32-devkitc --port /dev/ttyUSB0 --site village-3
  $ solkit monitor --port /dev/ttyUSB0                 log lines, and every reading decoded and checked
  $ solkit sim simulator/scenarios/*.json              the scenario library on the built firmware
  $ solkit host                                        the gateway on embedded defaults (broker, SQLite)
  $ solkit verify console.log                          check every frame in a serial capture

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
