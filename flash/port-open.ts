/**
 * Opening a serial port, with the failures people meet turned into one line that names the
 * next step: no such port, permission denied (the `dialout` group on Debian-family systems;
 * `uucp` on Arch), port busy (and which process holds it, from /proc/<pid>/fd).
 */
import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import type { SerialPort } from "serialport";
import { serialPort } from "../host/serial-port";
import { SolkitError } from "../shared/errors";

/** Error codes of this module and the rest of flash/ that mean "fix the setup" (CLI exit 2). */
export const SETUP_ERRORS = new Set([
  "E_PORT_MISSING", "E_PORT_PERMISSION", "E_PORT_BUSY", "E_PORT_NOT_SERIAL", "E_PORT", "E_NO_ANSWER", "E_WRONG_FIRMWARE", "E_TOO_BIG", "E_PROVISIONED", "E_REFUSED", "E_FIELD",
  "E_LOCKED", "E_UNKNOWN_DEVICE",
]);

/** True for a SolkitError whose code is a setup problem (the CLI prints it and exits 2). */
export function isSetupError(e: unknown): e is SolkitError {
  return e instanceof SolkitError && SETUP_ERRORS.has(e.code);
}

export interface Holder {
  pid: number;
  command: string;
}

/** Processes that have `path` open (other than this one), as far as /proc tells. */
export function portHolders(path: string): Holder[] {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return [];
  }
  const out: Holder[] = [];
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return [];
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === target;
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    let command = "";
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").filter(Boolean).join(" ").slice(0, 60);
    } catch {
      // gone meanwhile
    }
    // socat keeps the slave of a pty it made open itself: that is not a user of the port.
    if (target.startsWith("/dev/pts/") && /^socat\b/.test(command)) continue;
    out.push({ pid: Number(pid), command });
  }
  return out;
}

/** The group that owns the device node (dialout, uucp, …), from /etc/group. */
function deviceGroup(path: string): string {
  try {
    const gid = statSync(path).gid;
    for (const line of readFileSync("/etc/group", "utf8").split("\n")) {
      const f = line.split(":");
      if (f.length > 2 && Number(f[2]) === gid) return f[0];
    }
  } catch {
    // fall through
  }
  return "dialout";
}

/**
 * Turns an open error into a setup error that names the next step.
 * Exported for tests; `openPort` uses it.
 */
export function describeOpenError(path: string, message: string): SolkitError {
  if (/No such file|ENOENT|cannot find/i.test(message)) {
    return new SolkitError("E_PORT_MISSING", `${path}: no such port; run 'solkit ports' to list the serial ports this machine sees`);
  }
  if (/Permission denied|EACCES/i.test(message)) {
    const g = deviceGroup(path);
    return new SolkitError("E_PORT_PERMISSION", `${path}: permission denied; add yourself to the '${g}' group (sudo usermod -aG ${g} $USER), then log out and in again`);
  }
  if (/lock|busy|EBUSY|Resource temporarily unavailable/i.test(message)) {
    const who = portHolders(path);
    const by = who.length > 0 ? ` by ${who.map((h) => `pid ${h.pid}${h.command ? ` (${h.command})` : ""}`).join(", ")}` : "";
    return new SolkitError("E_PORT_BUSY", `${path} is in use${by}; close that program (a monitor, screen, the gateway) and try again`);
  }
  if (/Inappropriate ioctl|ENOTTY/i.test(message)) {
    // What serialport says when asked to set a baud rate on a plain file or /dev/null (issue 11).
    return new SolkitError("E_PORT_NOT_SERIAL", `${path} is not a serial port (a file or another kind of device); run 'solkit ports' to list the serial ports this machine sees`);
  }
  return new SolkitError("E_PORT", `${path}: cannot open (${message})`);
}

/**
 * Opens `path` at `baud` (exclusive lock, so a second solkit cannot interleave bytes).
 * @throws SolkitError E_PORT_MISSING, E_PORT_PERMISSION, E_PORT_BUSY, E_PORT_NOT_SERIAL, E_PORT
 */
export async function openPort(path: string, baud: number): Promise<SerialPort> {
  const port = serialPort({ path, baudRate: baud, autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) => {
    port.open((err) => (err ? reject(describeOpenError(path, err.message)) : resolve()));
  });
  return port;
}

/** Closes quietly (a port that vanished may refuse). */
export async function closePort(port: SerialPort | undefined): Promise<void> {
  if (!port || !port.isOpen) return;
  await new Promise<void>((resolve) => port.close(() => resolve()));
}
