/**
 * Finding USB serial ports. serialport's `list()` asks udevadm, which many machines (these
 * included, and minimal Pi images) lack: then the kernel's own names are scanned instead —
 * /dev/serial/by-id (stable names udev made, when it ran), /dev/ttyUSB* (USB-UART bridges:
 * CP210x, CH340, FTDI) and /dev/ttyACM* (CDC-ACM: Espruino boards, ESP32-S2/S3 native USB).
 */
import { readdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { SerialPort } from "serialport";
import type { Logger } from "./log";

function scan(dir: string, match: (name: string) => boolean): string[] {
  try {
    return readdirSync(dir).filter(match).map((n) => join(dir, n)).sort();
  } catch {
    return [];
  }
}

/** Ports found by the kernel's names, each device once (a by-id link wins over its target). */
export function scanDevPorts(dev = "/dev"): string[] {
  const byId = scan(join(dev, "serial", "by-id"), () => true);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of byId) {
    try {
      seen.add(realpathSync(p));
    } catch {
      continue;
    }
    out.push(p);
  }
  for (const p of scan(dev, (n) => /^tty(USB|ACM)\d+$/.test(n))) if (!seen.has(p)) out.push(p);
  return out;
}

let warned = false;

/** USB serial ports: serialport's list() where it works, else a scan of /dev (logged once). */
export async function discoverPorts(logger: Logger, dev = "/dev"): Promise<string[]> {
  try {
    const list = await SerialPort.list();
    return list.filter((p) => p.vendorId !== undefined || /ttyUSB|ttyACM/.test(p.path)).map((p) => p.path);
  } catch (e) {
    if (!warned) {
      logger.log("info", "serial", `port discovery: serialport's list() failed (${(e as Error).message}; udevadm missing?); scanning /dev/serial/by-id, /dev/ttyUSB*, /dev/ttyACM* instead`);
      warned = true;
    }
    return scanDevPorts(dev);
  }
}
