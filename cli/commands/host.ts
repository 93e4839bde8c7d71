import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { bundleIsStale } from "../../flash/bundle";
import { buildNodeFirmware, nodeBundleFile } from "../../toolchain/node-target";
import type { Command } from "commander";
import type { RegisterCommand } from "../command";
import { CliError, EXIT_OK } from "../errors";
import type { Output } from "../output";
import { safeUrl } from "../../host/gateway/mqtt-connect";
import { fromHex } from "../../shared/bytes";
import { isPublicKey } from "../../shared/crypto/strkey";
import { defaultConfig, loadConfig, type GatewayConfig } from "../../host/gateway/config";
import { startGateway } from "../../host/gateway/gateway";
import { streamLogger } from "../../host/gateway/log";
import { Registry } from "../../host/gateway/registry";
import { openStore } from "../../host/gateway/store-sqlite";
import { creditLeft, creditText } from "../../host/gateway/credit-left";
import { summary as commandSummary } from "../command-list";
import { makeBrokerCertificates, type BrokerCertificates } from "../../host/gateway/tls-cert";
import { SolkitError } from "../../shared/errors";

const EXAMPLES = `
Examples:
  $ solkit host                                  embedded broker on 127.0.0.1:1883, data in ./.solkit/
  $ solkit host --config gateway.json            a given broker, TLS, serial ports (docs/host-config.md)
  $ solkit host --local-device rpi4              a Pi that is its own meter too: the device program beside the gateway
  $ solkit host add-device GABC… --hmac-key-file dev1.key --board esp32
  $ solkit host devices --json
  $ solkit host tls --host 192.168.1.10            a CA and the broker's certificate: Wi-Fi devices over TLS`;

function config(file: string | undefined): GatewayConfig {
  if (file === undefined) return defaultConfig();
  try {
    return loadConfig(file);
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n(see docs/host-config.md)`);
  }
}

/** `solkit host [--config FILE]`, `solkit host devices`, `solkit host add-device G… …`. */
export const registerHost: RegisterCommand = (program, ctx) => {
  const host = program
    .command("host")
    .description(commandSummary("host"))
    .option("-c, --config <file>", "JSON configuration (docs/host-config.md); none = the embedded default")
    .option("--local-device <board>", "also run this machine's own device program (a Pi: rpi4, rpi-zero-2w), provisioned and registered by the gateway")
    .addHelpText("after", EXAMPLES)
    .action(async (opts: { config?: string; localDevice?: string }) => {
      const out = ctx.output();
      const cfg = config(opts.config);
      if (opts.localDevice !== undefined) {
        if (!("embedded" in cfg.devices)) throw new CliError("--local-device needs the embedded broker (the config's \"devices\": {\"embedded\": …})");
        const d = cfg.localDevice ?? { data: join(dirname(cfg.database), "device"), intervalS: 60, signEvery: 10 };
        cfg.localDevice = { ...d, board: opts.localDevice };
      }
      await runGateway(cfg, out);
      ctx.exit(EXIT_OK);
    });

  host
    .command("devices")
    .description("list registered devices: board, last seen, last sequence, outbox depth reported by the device, pending, verified/rejected counts, credit left")
    .option("-c, --config <file>", "configuration whose database to read")
    .action((opts: { config?: string }) => {
      const out = ctx.output();
      listDevices(config(opts.config ?? parentConfig(host)), out);
    });

  host
    .command("add-device")
    .description("register a device: its public key (G…) and its HMAC key (never printed)")
    .argument("<id>", "the device's public key as a G… account id")
    .option("--hmac-key-file <file>", "file holding the 32-byte HMAC key as 64 hex characters (preferred: not in shell history)")
    .option("--hmac-key <hex>", "the HMAC key as 64 hex characters")
    .option("--board <name>", "board id, e.g. esp32", "")
    .option("--repl <flavour>", "REPL for serial downlink: espruino or nodemcu", "espruino")
    .option("--name <text>", "a name for people (Home Assistant shows it)", "")
    .option("--trust-first", "anchor the chain at the first reading seen (a device that ran before it was registered)")
    .option("-c, --config <file>", "configuration whose database to write")
    .action((id: string, opts: AddOptions) => {
      const out = ctx.output();
      addDevice(config(opts.config ?? parentConfig(host)), id, opts, out);
    });

  host
    .command("tls")
    .description("make the site's CA (kept once made) and a certificate for the embedded broker: MQTT over TLS for Wi-Fi devices")
    .requiredOption("--host <address...>", "the broker's IP address(es) or DNS name(s) as the devices reach it")
    .option("--out <dir>", "folder for ca.pem, ca.key, broker.pem, broker.key", ".solkit/tls")
    .option("--days <n>", "the broker certificate's lifetime in days", "825")
    .addHelpText("after", `
Examples:
  $ solkit host tls --host 192.168.1.10
  $ solkit host tls --host 192.168.1.10 --host gw.farm-7.lan --out /etc/solkit/tls

Then, in the host's config:  "devices": {"embedded": {"host": "0.0.0.0", "tls": {"cert": ".solkit/tls/broker.pem", "key": ".solkit/tls/broker.key"}}}
and for each Wi-Fi device:   solkit provision … --wifi SSID --broker 192.168.1.10:8883 --broker-ca .solkit/tls/ca.pem
Run it again for a new address: the CA stays, so the devices keep trusting the broker.`)
    .action((opts: { host: string[]; out: string; days: string }) => {
      const out = ctx.output();
      let made: BrokerCertificates;
      try {
        made = makeBrokerCertificates({ hosts: opts.host, dir: opts.out, days: Number(opts.days) });
      } catch (e) {
        throw e instanceof SolkitError ? new CliError(e.message) : e; // a bad --host, no openssl: exit 2
      }
      if (out.jsonMode) out.json({ ...made });
      else {
        out.line(`${made.newCa ? "CA (new)  " : "CA (kept) "}  ${made.ca}   (give it to devices: provision --broker-ca ${made.ca})`);
        out.line(`CA key      ${made.caKey}   (0600: keep it off the site's shared machines)`);
        out.line(`broker      ${made.cert} for ${made.hosts.join(", ")}`);
        out.line(`broker key  ${made.key}`);
        out.line(`config      "devices": {"embedded": {"host": "0.0.0.0", "tls": {"cert": ${JSON.stringify(made.cert)}, "key": ${JSON.stringify(made.key)}}}}`);
      }
      ctx.exit(EXIT_OK);
    });
};

function parentConfig(host: Command): string | undefined {
  return host.opts().config as string | undefined;
}

interface AddOptions {
  hmacKeyFile?: string;
  hmacKey?: string;
  board: string;
  repl: string;
  name: string;
  trustFirst?: boolean;
  config?: string;
}

function readKey(opts: AddOptions): Uint8Array {
  if ((opts.hmacKey === undefined) === (opts.hmacKeyFile === undefined)) throw new CliError("give the HMAC key with exactly one of --hmac-key-file FILE or --hmac-key HEX");
  let text = opts.hmacKey ?? "";
  if (opts.hmacKeyFile !== undefined) {
    try {
      text = readFileSync(opts.hmacKeyFile, "utf8").trim();
    } catch (e) {
      throw new CliError(`cannot read ${opts.hmacKeyFile}: ${(e as Error).message}`);
    }
  }
  const key = fromHex(text.trim().toLowerCase());
  // The message never repeats the key text: a typo'd key is still a secret.
  if (!key || key.length !== 32) throw new CliError("the HMAC key must be 64 hex characters (32 bytes)");
  return key;
}

function addDevice(cfg: GatewayConfig, id: string, opts: AddOptions, out: Output): void {
  if (!isPublicKey(id)) throw new CliError(`"${id.slice(0, 60)}" is not a device id: expected a G… public key (solkit keygen prints one)`);
  if (opts.repl !== "espruino" && opts.repl !== "nodemcu") throw new CliError(`--repl expects espruino or nodemcu, got "${opts.repl}"`);
  const key = readKey(opts);
  const db = openStore(cfg.database);
  try {
    const reg = new Registry(db);
    const existed = reg.get(id) !== undefined;
    reg.add({ id, hmacKey: key, board: opts.board, repl: opts.repl, name: opts.name, anchor: opts.trustFirst ? "first" : "genesis" });
    if (out.jsonMode) out.json({ id, added: !existed, updated: existed, database: cfg.database });
    else out.line(`${existed ? "updated" : "added"} ${id} in ${cfg.database} (HMAC key stored, not shown)`);
  } finally {
    db.close();
  }
}

function ago(ms: number | null): string {
  if (ms === null) return "never";
  const s = Math.round((Date.now() - ms) / 1000);
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

function listDevices(cfg: GatewayConfig, out: Output): void {
  const db = openStore(cfg.database);
  try {
    const list = new Registry(db).list();
    const now = Date.now();
    if (out.jsonMode) {
      for (const d of list) out.json({ ...d, credit: creditLeft(db, d.id, now) ?? null });
      return;
    }
    if (list.length === 0) {
      out.info(`no devices in ${cfg.database}; add one with 'solkit host add-device G… --hmac-key-file FILE'`);
      return;
    }
    const rows = list.map((d) => [d.id, d.board || "-", ago(d.lastSeen), String(d.lastSeq), String(d.outbox), String(d.pending), String(d.verified), String(d.rejected), String(d.gaps), creditText(creditLeft(db, d.id, now)), d.lastLink || "-"]);
    const head = ["id", "board", "last seen", "last seq", "outbox", "pending", "verified", "rejected", "gaps", "credit", "link"];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
    out.line(fmt(head));
    for (const r of rows) out.line(fmt(r));
  } finally {
    db.close();
  }
}

/** Runs until SIGINT/SIGTERM, then stops every part cleanly (status "offline" upstream). */
async function runGateway(cfg: GatewayConfig, out: Output): Promise<void> {
  const logger = streamLogger((l) => process.stderr.write(l), out.verbose);
  // The dashboard's top-up and disconnect: a secret from the environment, never a flag or a file in the config (ps and backups show those).
  const adminToken = process.env.SOLKIT_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) throw new CliError("SOLKIT_ADMIN_TOKEN is shorter than 16 characters: anyone on the host could guess it");
  let localDevice: { bundle: string } | undefined = undefined;
  if (cfg.localDevice !== undefined) {
    const board = loadBoard(cfg.localDevice.board);
    if (board.target !== "node") throw new CliError(`localDevice: ${board.id} runs ${board.target}; a local device is a Node board (rpi4, rpi-zero-2w)`);
    const bundle = nodeBundleFile(board);
    if (bundleIsStale(board, bundle)) {
      out.info(`building ${board.id}'s device program…`);
      await buildNodeFirmware(board);
    }
    localDevice = { bundle };
  }
  const gw = await startGateway(cfg, { logger, adminToken, localDevice });
  const n = gw.registry.list().length;
  out.info(`solkit host: site "${cfg.site}", gateway ${gw.id}`);
  out.info(`  database   ${cfg.database} (${n} device${n === 1 ? "" : "s"})`);
  if (gw.brokerUrl) out.info(`  devices    MQTT ${gw.brokerUrl}, topics solkit/v1/${cfg.site}/<G…>/reading`);
  out.info(`  upstream   ${safeUrl(cfg.upstream?.url ?? gw.brokerUrl ?? "")}`);
  if (gw.healthUrl) out.info(`  dashboard  ${gw.healthUrl}/  ${adminToken ? "(top-up and disconnect with the admin token)" : "(read-only; set SOLKIT_ADMIN_TOKEN for top-up and disconnect)"}`);
  if (gw.healthUrl) out.info(`  health     ${gw.healthUrl}/healthz  ${gw.healthUrl}/metrics`);
  if (cfg.localDevice) out.info(`  device     ${cfg.localDevice.board} on this machine, store ${cfg.localDevice.data}`);
  out.info(`  serial     ${cfg.serial.ports.map((p) => p.path).join(", ") || "-"}${cfg.serial.discover ? " (+ discovery)" : ""}`);
  // Listening before the banner says so: a Ctrl-C right after "Ctrl-C to stop" stops cleanly.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  out.info("Ctrl-C to stop.");
  await stopped;
  out.info("stopping…");
  await gw.stop();
}
