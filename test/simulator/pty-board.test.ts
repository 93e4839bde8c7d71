/**
 * The emulated board on a real pseudo-terminal, opened with real serialport: the REPL
 * answers, the baud rate bounds how fast bytes arrive (a lower bound only, so a slow machine
 * cannot fail it), XOFF is sent when the input buffer fills and a host that ignores it loses
 * bytes, the host closing and reopening is seen, and unplug/replug removes and restores the
 * link. Every socat is ended in afterEach.
 */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SerialPort } from "serialport";
import { serialPort } from "../../host/serial-port";
import { startPtyBoard, type PtyBoard } from "../../simulator/pty-board";

const boards: PtyBoard[] = [];
afterEach(async () => {
  for (const b of boards.splice(0)) await b.stop();
});

async function board(opts: Partial<Parameters<typeof startPtyBoard>[0]> = {}): Promise<PtyBoard> {
  const dir = mkdtempSync(join(tmpdir(), "solkit-pty-"));
  const b = await startPtyBoard({ board: "esp32-devkitc", path: join(dir, "ttyBOARD"), seed: 7, ...opts });
  boards.push(b);
  return b;
}

async function waitFor(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function open(path: string, baud = 115200): Promise<{ port: SerialPort; text: () => string; bytes: () => number[] }> {
  const port = serialPort({ path, baudRate: baud, autoOpen: false });
  let text = "";
  const bytes: number[] = [];
  port.on("data", (d: Buffer) => {
    text += d.toString("latin1");
    bytes.push(...d);
  });
  port.on("error", () => {});
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  return { port, text: () => text, bytes: () => bytes };
}

const close = (p: SerialPort) => new Promise<void>((r) => (p.isOpen ? p.close(() => r()) : r()));

describe("pty board", () => {
  it("answers on its REPL over a real pseudo-terminal, with echo and =result", async () => {
    const b = await board();
    const h = await open(b.path);
    h.port.write("1+2\n");
    await waitFor(() => h.text().includes("=3"), "=3");
    expect(h.text()).toContain("1+2");
    h.port.write("\x10print('quiet'+(2*3))\n"); // 0x10: no echo, no result
    await waitFor(() => h.text().includes("quiet6"), "quiet6");
    expect(h.text()).not.toContain("print('quiet'");
    await close(h.port);
  });

  it("paces bytes at the baud rate: 1,000 bytes at 9600 baud take at least ~1 s", async () => {
    const b = await board({ baud: 9600 });
    const h = await open(b.path, 9600);
    const t0 = Date.now();
    h.port.write(`\x10print("${"x".repeat(980)}".length)\n`);
    await waitFor(() => h.text().includes("980"), "the answer");
    // 1,000 bytes in + 5 out at 10 bits each: 1.05 s on the wire; allow the tick granularity.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    await close(h.port);
  });

  it("sends XOFF when its input buffer fills; a host that ignores it loses bytes", async () => {
    const b = await board({ baud: 115200, rxBufferBytes: 256, exec: { lineMs: 300 } });
    const h = await open(b.path);
    const line = `\x10var a${"=1".repeat(60)}\n`;
    h.port.write(line.repeat(12)); // ~1.5 KB at once while each line keeps the board busy 300 ms
    await waitFor(() => b.wire.stats.xoffSent > 0, "XOFF");
    await waitFor(() => h.bytes().includes(0x13), "XOFF on the wire");
    await waitFor(() => b.wire.pendingToBoard === 0, "the buffer to drain");
    expect(b.wire.stats.overrun).toBeGreaterThan(0);
    await waitFor(() => h.bytes().includes(0x11), "XON once it drained");
    await close(h.port);
  });

  it("a board without power takes in nothing and never sends XOFF (the host is not held back)", async () => {
    const b = await board({ baud: 115200, rxBufferBytes: 256 });
    b.emu.powerOff();
    const h = await open(b.path);
    h.port.write(`${"x".repeat(2000)}\n`); // far more than the 256-byte buffer
    await waitFor(() => b.wire.pendingToBoard === 0 && b.wire.stats.rxBytes + b.wire.stats.overrun >= 2001, "the bytes to reach the board");
    h.port.write("1+1\n");
    await waitFor(() => b.wire.pendingToBoard === 0, "the second line to reach the board");
    expect(b.wire.stats.xoffSent).toBe(0);
    expect(h.bytes()).toEqual([]);
    await close(h.port);
  });

  it("reports the host closing and opening the port again", async () => {
    const b = await board();
    const h = await open(b.path);
    await waitFor(() => b.hostOpen, "host-open");
    await close(h.port);
    await waitFor(() => !b.hostOpen, "host-closed");
    const again = await open(b.path);
    again.port.write("40+2\n");
    await waitFor(() => again.text().includes("=42"), "=42 after reopening");
    expect(b.events.map((e) => e.kind)).toEqual(["host-open", "host-closed", "host-open"]);
    await close(again.port);
  });

  it("unplug removes the link and the open port errors; replug brings a working port back", async () => {
    const b = await board();
    const h = await open(b.path);
    let lost = false;
    h.port.on("close", () => (lost = true));
    await b.unplug();
    expect(existsSync(b.path)).toBe(false);
    await waitFor(() => lost, "the host's port to close");
    expect(b.emu.isOn).toBe(true); // self-powered: it kept running
    await b.replug();
    expect(existsSync(b.path)).toBe(true);
    const again = await open(b.path);
    again.port.write("'back'\n");
    await waitFor(() => again.text().includes('="back"'), "an answer after replug");
    await close(again.port);
    expect(b.events.map((e) => e.kind)).toContain("unplugged");
    expect(b.events.map((e) => e.kind)).toContain("replugged");
  });

  it("also serves the console on TCP (what EspruinoTools connects to)", async () => {
    const b = await board();
    const { connect } = await import("node:net");
    const s = connect(b.tcpPort, "127.0.0.1");
    let text = "";
    s.on("data", (d) => (text += d.toString("latin1")));
    await new Promise((r) => s.once("connect", r));
    s.write("6*7\n");
    await waitFor(() => text.includes("=42"), "=42 over TCP");
    s.destroy();
  });
});
