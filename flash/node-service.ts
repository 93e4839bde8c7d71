/**
 * `solkit service`: the Node target (a Pi) as a systemd service. The unit runs the one-file
 * bundle with the Node that installed it, restarts it whenever it ends (the watchdog thread kills
 * a hung program; `reboot()` exits 75; a crash), and starts it after the network. It runs as a
 * DynamicUser (no account to create) in the GPIO and I2C groups the system has, with its store
 * in a StateDirectory only that user can enter (keys, credit and readings: 0700), and no write
 * access anywhere else (ProtectSystem=strict).
 * `--root DIR` prepares a system image instead (like `systemctl --root`): files only, no systemctl.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SolkitError } from "../shared/errors";

export const UNIT_NAME = "solkit-device.service";
/** Where the state lives under a StateDirectory= of this name. */
export const STATE_DIR = "/var/lib/solkit";

export interface ServiceOptions {
  board: string;
  /** The built bundle to install (dist/<board>/firmware.cjs). */
  bundle: string;
  /** The gateway's broker the device publishes to. */
  broker: string;
  /** The Node binary the unit runs (default: the one running solkit). */
  node: string;
  /** Prefix for every path written; "" for the running system. */
  root: string;
}

/** Where the bundle goes on the device. */
export function installPath(board: string): string {
  return `/opt/solkit/${board}/firmware.cjs`;
}

/** The groups of /etc/group (under `root`) among those the program needs: gpio for the chip, i2c for the INA219. */
export function presentGroups(root: string): string[] {
  let text = "";
  try {
    text = readFileSync(join(root || "/", "etc", "group"), "utf8");
  } catch {
    return [];
  }
  const names = new Set(text.split("\n").map((l) => l.split(":")[0]));
  return ["gpio", "i2c"].filter((g) => names.has(g));
}

/** The unit's text (systemd.service(5), systemd.exec(5)). */
export function unitText(o: Pick<ServiceOptions, "board" | "broker" | "node">, groups: string[]): string {
  const quote = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `"${s.replace(/(["\\])/g, "\\$1")}"`);
  return [
    "[Unit]",
    `Description=solkit device program (${o.board}): signed meter readings, pay-as-you-go relay`,
    "Documentation=man:systemd.service(5)",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${quote(o.node)} ${installPath(o.board)} --data ${STATE_DIR} --broker ${quote(o.broker)} --socket ${STATE_DIR}/console.sock`,
    // Always: the watchdog thread ends a hung program with SIGKILL, reboot() exits 75.
    "Restart=always",
    "RestartSec=2",
    // SIGTERM lets the program release its GPIO lines: the relay line returns to its default, off.
    "KillSignal=SIGTERM",
    "TimeoutStopSec=5",
    "DynamicUser=yes",
    ...(groups.length > 0 ? [`SupplementaryGroups=${groups.join(" ")}`] : []),
    "StateDirectory=solkit",
    "StateDirectoryMode=0700",
    "UMask=0077",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

function systemctl(args: string[]): string {
  try {
    return execFileSync("systemctl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; status?: number; stdout?: string };
    if (err.code === "ENOENT") throw new SolkitError("E_SETUP", "systemctl not found: this machine has no systemd; use --root DIR to prepare an image");
    const why = (err.stderr ?? "").trim().split("\n")[0];
    throw new SolkitError("E_SETUP", `systemctl ${args.join(" ")} failed${why ? `: ${why}` : ` (exit ${err.status})`}`);
  }
}

export interface InstallResult {
  unitFile: string;
  bundleFile: string;
  groups: string[];
  started: boolean;
}

/**
 * Copies the bundle, writes the unit and (on the running system) enables and starts it.
 * @throws SolkitError E_SETUP when the bundle is missing or systemctl fails (the files stay: the message says so)
 */
export function installService(o: ServiceOptions): InstallResult {
  if (!existsSync(o.bundle)) throw new SolkitError("E_SETUP", `${o.bundle} not found: run 'solkit build --board ${o.board}' first`);
  if (o.root === "") requireSystemd();
  try {
    return writeService(o);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EACCES" || err.code === "EPERM") throw new SolkitError("E_SETUP", `permission denied writing ${err.path ?? "system files"}: run it with sudo (or use --root DIR)`);
    throw e;
  }
}

/** sd_booted(3): systemd runs this machine when /run/systemd/system exists. Checked before anything is written. */
function requireSystemd(): void {
  if (!existsSync("/run/systemd/system")) {
    throw new SolkitError("E_SETUP", "systemd is not running on this machine (no /run/systemd/system); nothing written. On a Pi with Raspberry Pi OS it is; to prepare an SD card image use --root DIR");
  }
}

function writeService(o: ServiceOptions): InstallResult {
  const at = (p: string) => join(o.root || "/", p);
  const bundleFile = at(installPath(o.board));
  mkdirSync(dirname(bundleFile), { recursive: true, mode: 0o755 });
  copyFileSync(o.bundle, bundleFile);
  const groups = presentGroups(o.root);
  const unitFile = at(`/etc/systemd/system/${UNIT_NAME}`);
  mkdirSync(dirname(unitFile), { recursive: true });
  writeFileSync(unitFile, unitText(o, groups), { mode: 0o644 });
  if (o.root !== "") {
    // What `systemctl --root DIR enable` does for WantedBy=multi-user.target.
    const wants = at(`/etc/systemd/system/multi-user.target.wants`);
    mkdirSync(wants, { recursive: true });
    rmSync(join(wants, UNIT_NAME), { force: true });
    symlinkSync(`/etc/systemd/system/${UNIT_NAME}`, join(wants, UNIT_NAME));
    return { unitFile, bundleFile, groups, started: false };
  }
  try {
    systemctl(["daemon-reload"]);
    systemctl(["enable", "--now", UNIT_NAME]);
  } catch (e) {
    throw new SolkitError("E_SETUP", `${(e as Error).message}; ${unitFile} and ${bundleFile} are written, enable them with 'systemctl enable --now ${UNIT_NAME}'`);
  }
  return { unitFile, bundleFile, groups, started: true };
}

/** Stops and removes the unit and the bundle; the device's store (keys, credit, readings) stays. */
export function uninstallService(board: string, root: string): { removed: string[] } {
  const at = (p: string) => join(root || "/", p);
  if (root === "" && existsSync(at(`/etc/systemd/system/${UNIT_NAME}`))) requireSystemd();
  if (root === "" && existsSync(at(`/etc/systemd/system/${UNIT_NAME}`))) systemctl(["disable", "--now", UNIT_NAME]);
  const removed: string[] = [];
  for (const p of [`/etc/systemd/system/multi-user.target.wants/${UNIT_NAME}`, `/etc/systemd/system/${UNIT_NAME}`, installPath(board)]) {
    if (existsSync(at(p)) || isLink(at(p))) {
      rmSync(at(p), { force: true });
      removed.push(at(p));
    }
  }
  if (root === "" && removed.length > 0) systemctl(["daemon-reload"]);
  return { removed };
}

/** A symlink, dangling or not (existsSync follows it). */
function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export interface ServiceStatus {
  installed: boolean;
  unitFile: string;
  /** systemd's view (ActiveState, SubState, NRestarts), when it runs here. */
  systemd: Record<string, string> | undefined;
}

/** What is installed, and what systemd says of it when systemd runs here. */
export function serviceStatus(root: string): ServiceStatus {
  const unitFile = join(root || "/", `/etc/systemd/system/${UNIT_NAME}`);
  const installed = existsSync(unitFile);
  let systemd: Record<string, string> | undefined = undefined;
  if (installed && root === "") {
    try {
      const text = systemctl(["show", UNIT_NAME, "-p", "ActiveState,SubState,NRestarts,ExecMainStartTimestamp"]);
      systemd = Object.fromEntries(text.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    } catch {
      systemd = undefined;
    }
  }
  return { installed, unitFile, systemd };
}
