/**
 * Candidate serial ports and what is known of each: path, USB vendor/product (from
 * serialport's list() where udevadm answers, else from sysfs: the kernel's
 * /sys/class/tty/<name>/device links up to the USB device, whose idVendor/idProduct files
 * hold the ids), who has it open, and a guess of the board from boards/*.json `usb` ids.
 * Whatever could not be looked at is said, not silently skipped.
 */
import { accessSync, constants, existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SerialPort } from "serialport";
import type { Board } from "../boards/board-type";
import { scanDevPorts } from "../host/gateway/serial-discovery";
import { portHolders } from "./port-open";

export interface PortInfo {
  path: string;
  /** The device node behind a by-id link. */
  device: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  /** Board ids whose usb list has this vendor/product. */
  boards: string[];
  /** The USB chip's name from the matching board file entry. */
  chip?: string;
  /** Processes holding the port open ("pid 123 (screen …)"). */
  inUseBy: string[];
  /** False when this user may not open it (not in the dialout group). */
  accessible: boolean;
}

export interface PortList {
  ports: PortInfo[];
  /** What could not be seen, one sentence each. */
  notes: string[];
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** USB facts of a tty from sysfs: walk up from its device until a folder has idVendor. */
export function usbFromSysfs(device: string, sys = "/sys"): Partial<PortInfo> | undefined {
  let dir: string;
  try {
    dir = realpathSync(join(sys, "class", "tty", basename(device), "device"));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 6 && dir.length > 1; i++, dir = dirname(dir)) {
    const vendorId = readText(join(dir, "idVendor"));
    if (vendorId !== undefined) {
      return {
        vendorId: vendorId.toLowerCase(), productId: readText(join(dir, "idProduct"))?.toLowerCase(),
        manufacturer: readText(join(dir, "manufacturer")), product: readText(join(dir, "product")), serialNumber: readText(join(dir, "serial")),
      };
    }
  }
  return undefined;
}

/** Board ids (and the chip's name) whose usb ids match. */
export function guessBoards(boards: Board[], vendorId?: string, productId?: string): { boards: string[]; chip?: string } {
  if (!vendorId) return { boards: [] };
  const hits: string[] = [];
  let chip: string | undefined;
  for (const b of boards) {
    const m = (b.usb ?? []).find((u) => u.vendor.toLowerCase() === vendorId && (!productId || u.product.toLowerCase() === productId));
    if (m) {
      hits.push(b.id);
      chip = chip ?? m.chip;
    }
  }
  return { boards: hits, chip };
}

/**
 * Lists candidate ports. `dev`/`sys` point elsewhere for tests; `useList` false skips
 * serialport's list() (tests, and machines known to lack udevadm).
 */
export async function listPorts(boards: Board[], o: { dev?: string; sys?: string; useList?: boolean } = {}): Promise<PortList> {
  const dev = o.dev ?? "/dev";
  const sys = o.sys ?? "/sys";
  const notes: string[] = [];
  const found = new Map<string, Partial<PortInfo>>();
  if (o.useList !== false) {
    try {
      for (const p of await SerialPort.list()) {
        if (p.vendorId === undefined && !/ttyUSB|ttyACM/.test(p.path)) continue;
        found.set(p.path, {
          vendorId: p.vendorId?.toLowerCase(), productId: p.productId?.toLowerCase(), manufacturer: p.manufacturer, serialNumber: p.serialNumber,
        });
      }
    } catch (e) {
      notes.push(`serialport's list() failed (${(e as Error).message.split("\n")[0].slice(0, 60)}; udevadm missing?): scanned ${dev}/serial/by-id, ${dev}/ttyUSB*, ${dev}/ttyACM* instead`);
    }
  }
  if (found.size === 0) for (const p of scanDevPorts(dev)) found.set(p, {});
  if (!existsSync(join(dev, "serial", "by-id"))) notes.push(`${dev}/serial/by-id is absent (udev not running, or no USB serial device): names are the kernel's, and may change between plugs`);
  const ports: PortInfo[] = [];
  for (const [path, known] of found) {
    let device = path;
    try {
      device = realpathSync(path);
    } catch {
      // a dangling link: keep the path
    }
    const usb = known.vendorId ? known : usbFromSysfs(device, sys) ?? {};
    if (!usb.vendorId) notes.push(`${path}: USB vendor/product unknown (${sys}/class/tty/${basename(device)} has no USB ids)`);
    const guess = guessBoards(boards, usb.vendorId, usb.productId);
    let accessible = true;
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch {
      accessible = false;
      notes.push(`${path}: no read/write permission for this user (join the dialout group)`);
    }
    const inUseBy = portHolders(path).map((h) => `pid ${h.pid}${h.command ? ` (${h.command})` : ""}`);
    ports.push({ path, device, ...usb, boards: guess.boards, chip: guess.chip, inUseBy, accessible });
  }
  if (ports.length === 0) notes.push("no USB serial port found: is the board plugged in, and is its cable a data cable (not charge-only)?");
  return { ports, notes };
}
