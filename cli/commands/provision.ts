import type { RegisterCommand } from "../command";
import { CliError, EXIT_OK } from "../errors";
import { paint } from "../output";
import { loadBoard } from "../../boards/validate";
import { hostSettings } from "../host-database";
import { parseBrokerAddress, provisionDevice, readBrokerCa, type WifiSettings } from "../../flash/provision";
import { cliError } from "./flash";
import { summary as commandSummary } from "../command-list";

interface ProvisionOpts {
  board: string;
  port: string;
  site: string;
  baud?: string;
  force?: boolean;
  name?: string;
  config?: string;
  wifi?: string;
  wifiPassword?: string;
  broker?: string;
  brokerCa?: string;
}

/** --wifi/--broker as settings, or undefined; the passphrase from SOLKIT_WIFI_PASSWORD unless given. */
function wifiSettings(opts: ProvisionOpts): WifiSettings | undefined {
  if (opts.wifi === undefined) {
    if (opts.broker !== undefined || opts.wifiPassword !== undefined || opts.brokerCa !== undefined) throw new CliError("--broker, --broker-ca and --wifi-password go with --wifi <ssid>");
    return undefined;
  }
  if (opts.broker === undefined) throw new CliError("--wifi needs --broker <host[:port]>: the gateway's address on the site's network");
  const ca = opts.brokerCa === undefined ? undefined : readBrokerCa(opts.brokerCa);
  return { ssid: opts.wifi, password: opts.wifiPassword ?? process.env.SOLKIT_WIFI_PASSWORD ?? "", ...parseBrokerAddress(opts.broker, ca === undefined ? 1883 : 8883), ca };
}

/** `solkit provision --board <id> --port <path> --site <name>`. */
export const registerProvision: RegisterCommand = (program, ctx) => {
  program
    .command("provision")
    .description(commandSummary("provision"))
    .requiredOption("-b, --board <id>", "board id (see 'solkit boards')")
    .requiredOption("-p, --port <path>", "serial port (see 'solkit ports')")
    .requiredOption("-s, --site <name>", "site name (MQTT topic level): A-Z a-z 0-9 - _ .")
    .option("--baud <rate>", "baud rate (default: the board file's)")
    .option("--name <text>", "a name for people (the registry and Home Assistant show it)")
    .option("--force", "re-provision a device that has a key: a new key, its unsent readings erased")
    .option("-c, --config <file>", "gateway configuration whose database gets the device (default ./.solkit/gateway.db)")
    .option("--wifi <ssid>", "NodeMCU boards: send readings over this Wi-Fi network to --broker instead of the serial line")
    .option("--wifi-password <text>", "the Wi-Fi passphrase (default: $SOLKIT_WIFI_PASSWORD, which keeps it out of the process list)")
    .option("--broker <host[:port]>", "with --wifi: the gateway's MQTT broker as the device reaches it (port 1883 by default, 8883 with --broker-ca)")
    .option("--broker-ca <file>", "with --wifi: MQTT over TLS, the broker's certificate checked against this CA (PEM) kept on the device")
    .addHelpText("after", `
Examples:
  $ solkit provision --board esp32-devkitc --port /dev/ttyUSB0 --site farm-7
  $ solkit provision --board esp32-devkitc --port /dev/ttyUSB0 --site farm-7 --force --json
  $ SOLKIT_WIFI_PASSWORD=… solkit provision --board nodemcu-esp32 --port /dev/ttyUSB0 --site farm-7 \\
      --wifi farm-net --broker 192.168.1.10:1883
  $ solkit provision --board nodemcu-esp32 --port /dev/ttyUSB0 --site farm-7 \
      --wifi farm-net --broker gw.farm-7.lan:8883 --broker-ca site-ca.pem      (TLS: docs/nodemcu.md)

The device makes its Ed25519 key itself, from its hardware random source; the seed never
leaves it. The per-device HMAC key goes to the device on a line the REPL does not echo and to
the registry; it is never printed.`)
    .action(async (opts: ProvisionOpts) => {
      const out = ctx.output();
      const board = loadBoard(opts.board);
      const baud = opts.baud === undefined ? board.link.serial?.baud ?? 115200 : Number(opts.baud);
      if (!Number.isInteger(baud) || baud < 300) throw new CliError(`--baud expects a rate such as 115200, got "${opts.baud}"`);
      let wifi: WifiSettings | undefined;
      try {
        wifi = wifiSettings(opts);
      } catch (e) {
        throw e instanceof CliError ? e : cliError(e);
      }
      const { database, site } = hostSettings(opts.config);
      out.info(`provisioning the ${board.id} on ${opts.port} for site "${opts.site}"…`);
      // One site per host: a device under another site publishes on topics this host does not read.
      if (site !== opts.site) out.info(`warning: the host's site is "${site}" (${opts.config ?? "the default configuration"}); this device will publish under "${opts.site}", topics that host does not read`);
      try {
        const r = await provisionDevice({ path: opts.port, baud, board, site: opts.site, force: opts.force, name: opts.name, database, wifi, onNote: (s) => out.info(s) });
        if (out.jsonMode) out.json({ ...r, hmacKey: "stored in the registry, not shown" });
        else {
          out.line(`${paint(out, "green", "✓")} provisioned ${r.id}`);
          if (r.previousId) out.line(`  replaced  ${r.previousId}`);
          out.line(`  site      ${r.site}`);
          out.line(`  link      ${r.link}`);
          out.line(`  registry  ${r.updated ? "updated" : "added"} in ${r.database} (HMAC key stored, not shown)`);
          out.line(`  next      solkit monitor --port ${opts.port}   (readings verified against the registry)`);
        }
        ctx.exit(EXIT_OK);
      } catch (e) {
        throw cliError(e);
      }
    });
};
