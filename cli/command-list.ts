/**
 * The commands `solkit --help` lists, as data: name, arguments and one-line summary. The
 * program lists these without loading any command module (issue 10: `--help` in a tenth of
 * a second); each module under cli/commands/ reads its own summary from here.
 */
export interface CommandInfo {
  readonly name: string;
  /** Commander's argument spec, for the help listing only. */
  readonly args?: string;
  readonly summary: string;
}

/** In the order `--help` shows them: the board's life, then without hardware, the host, tools. */
export const COMMAND_LIST: readonly CommandInfo[] = [
  { name: "boards", summary: "list the boards (boards/*.json), or check board files" },
  { name: "build", summary: "build the device program for a board into dist/<board>/ (firmware.js + report.json)" },
  { name: "ports", summary: "list serial ports that may be boards: path, USB vendor/product, board guess, in use by" },
  { name: "flash", summary: "upload the board's bundle to an Espruino board over USB, verify it, restart into it" },
  { name: "provision", summary: "give a flashed device its own key, a host key and a site over USB, and register it with the gateway" },
  { name: "console", args: "<open|lock|status>", summary: "a provisioned device's locked console: open it for maintenance with a token from the registry, lock it, show status" },
  { name: "credit", args: "<add>", summary: "make a credit, unlock or disconnect token for a device from the registry; print it or send it over USB" },
  { name: "service", args: "<install|uninstall|status>", summary: "a Pi's device program as a systemd service: install (build, copy, enable, start), uninstall, status" },
  { name: "monitor", summary: "two-way serial terminal: log lines as they are, frames decoded and verified, reconnects by itself" },
  { name: "sim", args: "[files...]", summary: "run the built firmware on emulated boards: scenario files (CI), a fleet, or the demo" },
  { name: "host", summary: "run the gateway: verify, keep and relay signed readings over MQTT" },
  { name: "verify", args: "[file]", summary: "check signed readings (serial-line frames or MQTT JSON payloads, one per line)" },
  { name: "consume", summary: "one of a fleet's consumers: readings from a shared MQTT subscription into a shared store, each once" },
  { name: "teller", args: "<status|bills>", summary: "what the teller knows per device: paid, billed, owed, owned, credit left, tokens waiting, next action; bills with anchors" },
  { name: "ledger", args: "<account|fund|issue|pay|balances|history>", summary: "the local Stellar ledger: accounts (keys encrypted in a keystore), funding, an issued stablecoin, payments, balances, history" },
  { name: "keygen", summary: "make an Ed25519 device key pair (Stellar G…/S… strings)" },
  { name: "demo", summary: "npm start: a simulated single-panel site — board, host, teller, ledger — with its live dashboard (--chain: the hash chain alone)" },
];

/** The summary line of a command, for its own `.description()`. */
export function summary(name: string): string {
  const info = COMMAND_LIST.find((c) => c.name === name);
  if (info === undefined) throw new Error(`no command '${name}' in cli/command-list.ts`);
  return info.summary;
}
