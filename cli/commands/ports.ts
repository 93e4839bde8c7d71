import type { RegisterCommand } from "../command";
import { EXIT_OK } from "../errors";
import { paint } from "../output";
import { loadBoards } from "../../boards/validate";
import { listPorts } from "../../flash/ports";
import { summary as commandSummary } from "../command-list";

/** `solkit ports`: candidate serial ports, their USB ids, who holds them, and a board guess. */
export const registerPorts: RegisterCommand = (program, ctx) => {
  program
    .command("ports")
    .description(commandSummary("ports"))
    .option("--dev <dir>", "device folder to scan", "/dev")
    .option("--sys <dir>", "sysfs root for USB ids", "/sys")
    .option("--no-list", "skip serialport's list() (it needs udevadm); scan the device folder only")
    .addHelpText("after", `
Examples:
  $ solkit ports
  $ solkit ports --json | jq -r 'select(.boards[0]=="esp32-devkitc") | .path'

Without udevadm (minimal images, containers) the ports are found by their kernel names
(/dev/serial/by-id, /dev/ttyUSB*, /dev/ttyACM*) and their USB ids read from /sys.`)
    .action(async (opts: { dev: string; sys: string; list: boolean }) => {
      const out = ctx.output();
      const { ports, notes } = await listPorts(loadBoards(), { dev: opts.dev, sys: opts.sys, useList: opts.list });
      if (out.jsonMode) {
        for (const p of ports) out.json(p);
        for (const n of notes) out.json({ note: n });
        return ctx.exit(EXIT_OK);
      }
      if (ports.length > 0) {
        const rows = ports.map((p) => [
          p.path,
          p.vendorId ? `${p.vendorId}:${p.productId ?? "????"}` : "-",
          p.chip ?? p.product ?? p.manufacturer ?? "-",
          p.boards.length ? p.boards.join(" or ") : "-",
          p.inUseBy.length ? p.inUseBy.join(", ") : p.accessible ? "free" : "no permission",
        ]);
        const head = ["port", "usb id", "chip", "board (guess)", "status"];
        const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        const fmt = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
        out.line(paint(out, "bold", fmt(head)));
        for (const r of rows) out.line(fmt(r));
      }
      for (const n of notes) out.info(paint(out, "dim", `note: ${n}`));
      ctx.exit(EXIT_OK);
    });
};
