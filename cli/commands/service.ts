/**
 * `solkit service install|uninstall|status`: the Node target's bundle as a systemd service on a
 * Pi (flash/node-service.ts), built first when dist/<board>/firmware.cjs is missing or stale.
 */
import { existsSync, statSync } from "node:fs";
import { createConnection } from "node:net";
import { resolve } from "node:path";
import type { RegisterCommand } from "../command";
import { CliError } from "../errors";
import { loadBoard } from "../../boards/validate";
import { buildNodeFirmware, nodeBundleFile } from "../../toolchain/node-target";
import { bundleIsStale } from "../../flash/bundle";
import { installService, serviceStatus, STATE_DIR, uninstallService, UNIT_NAME } from "../../flash/node-service";
import { summary as commandSummary } from "../command-list";
import type { Output } from "../output";
import type { Board } from "../../boards/board-type";

function nodeBoard(id: string): Board {
  const board = loadBoard(id);
  if (board.target !== "node") throw new CliError(`${board.id} runs ${board.target}, not Node: 'solkit flash' puts its program on it (services are for the Pi boards: rpi4, rpi-zero-2w)`);
  return board;
}

function rootOf(root: string | undefined): string {
  if (root === undefined) return "";
  const r = resolve(root);
  if (!existsSync(r) || !statSync(r).isDirectory()) throw new CliError(`--root ${root}: not a folder`);
  return r;
}

/** The device's own status lines over its console socket, or why not. */
function askDevice(socket: string): Promise<string> {
  return new Promise((res) => {
    const c = createConnection(socket);
    let text = "";
    const done = (t: string) => {
      c.destroy();
      res(t);
    };
    c.setTimeout(2000, () => done(text || "no answer within 2 s"));
    c.on("connect", () => c.write("status\n"));
    c.on("data", (d) => {
      text += d.toString();
      if (/console: .*\n/.test(text)) done(text.trim()); // the last status line
    });
    c.on("error", (e) => done(`${socket}: ${(e as NodeJS.ErrnoException).code === "EACCES" ? "permission denied (run as root)" : e.message}`));
  });
}

function printStatus(out: Output, s: ReturnType<typeof serviceStatus>, device: string | undefined): void {
  out.line(`unit      ${s.installed ? s.unitFile : "not installed"}`);
  if (s.systemd !== undefined) {
    out.line(`systemd   ${s.systemd.ActiveState} (${s.systemd.SubState}), ${s.systemd.NRestarts ?? "?"} restarts, started ${s.systemd.ExecMainStartTimestamp || "never"}`);
  }
  if (device !== undefined) out.line(device.split("\n").map((l, i) => (i === 0 ? `device    ${l}` : `          ${l}`)).join("\n"));
}

export const registerService: RegisterCommand = (program, ctx) => {
  const service = program
    .command("service")
    .description(commandSummary("service"))
    .addHelpText("after", `
Examples:
  $ sudo solkit service install --board rpi4                      build, copy to /opt/solkit, enable and start
  $ sudo solkit service install --board rpi4 --broker mqtt://gw.local:1883
  $ solkit service install --board rpi-zero-2w --root /mnt/sdcard  prepare an SD card image (no systemctl)
  $ sudo solkit service status                                    systemd's view and the device's own status
  $ sudo solkit service uninstall --board rpi4                    the store (keys, credit, readings) stays

The unit (${UNIT_NAME}) restarts the program whenever it ends, runs it as a dynamic user in the
gpio and i2c groups, and keeps its store in ${STATE_DIR} (0700). Needs: apt-get install gpiod
(and i2c-tools for an INA219).`);

  service
    .command("install")
    .description("build the board's Node bundle, copy it to /opt/solkit/<board>/, write the systemd unit, enable and start it")
    .requiredOption("-b, --board <id>", "a Node board: rpi4 or rpi-zero-2w")
    .option("--broker <url>", "the gateway's MQTT broker the device publishes to", "mqtt://127.0.0.1:1883")
    .option("--root <dir>", "install into this folder (a system image) instead of the running system; no systemctl")
    .action(async (opts: { board: string; broker: string; root?: string }) => {
      const out = ctx.output();
      const board = nodeBoard(opts.board);
      if (!/^(mqtts?|wss?):\/\/[^\s/]+/.test(opts.broker)) throw new CliError(`--broker: expected mqtt://host:port or mqtts://host:port, got "${opts.broker}"`);
      const root = rootOf(opts.root);
      const bundle = nodeBundleFile(board);
      if (bundleIsStale(board, bundle)) {
        out.info(`building ${board.id}…`);
        await buildNodeFirmware(board);
      }
      let r;
      try {
        r = installService({ board: board.id, bundle, broker: opts.broker, node: process.execPath, root });
      } catch (e: any) {
        if (e?.code === "E_SETUP") throw new CliError(e.message);
        throw e;
      }
      if (out.jsonMode) out.json(r);
      else {
        out.line(`installed ${r.bundleFile}`);
        out.line(`unit      ${r.unitFile}${r.groups.length ? ` (groups ${r.groups.join(", ")})` : " (no gpio/i2c group on this system: the unit runs without them)"}`);
        out.line(r.started ? `started   ${UNIT_NAME}: 'solkit service status' shows it; provision it on its console socket ${STATE_DIR}/console.sock` : `enabled in ${root} (not started: an image)`);
      }
    });

  service
    .command("uninstall")
    .description("stop and remove the unit and the bundle; the device's store stays")
    .requiredOption("-b, --board <id>", "the board installed")
    .option("--root <dir>", "remove from this folder (a system image)")
    .action((opts: { board: string; root?: string }) => {
      const out = ctx.output();
      const board = nodeBoard(opts.board);
      let r;
      try {
        r = uninstallService(board.id, rootOf(opts.root));
      } catch (e: any) {
        if (e?.code === "E_SETUP") throw new CliError(e.message);
        throw e;
      }
      if (out.jsonMode) out.json(r);
      else out.line(r.removed.length === 0 ? "nothing installed" : `removed ${r.removed.join(", ")}; the store in ${STATE_DIR} stays (erase it by hand to forget the device)`);
    });

  service
    .command("status")
    .description("whether the unit is installed, what systemd says, and the device's own status lines")
    .option("--root <dir>", "look in this folder (a system image)")
    .option("--socket <path>", "the device's console socket", `${STATE_DIR}/console.sock`)
    .action(async (opts: { root?: string; socket: string }) => {
      const out = ctx.output();
      const root = rootOf(opts.root);
      const s = serviceStatus(root);
      const device = root === "" && existsSync(opts.socket) ? await askDevice(opts.socket) : undefined;
      if (out.jsonMode) out.json({ ...s, device });
      else printStatus(out, s, device);
      if (!s.installed) ctx.exit(1);
    });
};
