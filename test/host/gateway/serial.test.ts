/**
 * Serial links on socat pseudo-terminals: frames split at every byte, log lines between
 * frames, garbage and line noise (rejected with a reason, never a crash), acks written back
 * as REPL lines, and a pulled cable (socat killed) that the gateway survives and reopens.
 */
import { afterEach, describe, expect, it } from "vitest";
import { closeSync, constants, openSync, readSync, rmSync, writeSync } from "node:fs";
import { verifyAck } from "../../../shared/protocol/ack";
import { encodeUplinkLine, LineParser } from "../../../shared/protocol/frame";
import { defaultConfig } from "../../../host/gateway/config";
import { startGateway, type Gateway } from "../../../host/gateway/gateway";
import { MemoryLogger } from "../../../host/gateway/log";
import { scanDevPorts } from "../../../host/gateway/serial-discovery";
import { decodeFrameBody } from "../../../shared/protocol/frame";
import { PtyPair, TestDevice, tempDir, waitFor } from "./helpers";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The device end of the cable: write bytes, read what the gateway sends back (non-blocking poll). */
class DeviceEnd {
  private fd: number;
  private buf = "";
  constructor(path: string) {
    this.fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
  }
  write(s: string): void {
    writeSync(this.fd, Buffer.from(s, "latin1"));
  }
  /** Downlink lines received so far (reads what is there; the pty is raw). */
  lines(): string[] {
    const b = Buffer.alloc(4096);
    for (;;) {
      let n = 0;
      try {
        n = readSync(this.fd, b, 0, b.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") break;
        throw e;
      }
      if (n <= 0) break;
      this.buf += b.subarray(0, n).toString("latin1");
    }
    return this.buf.split("\n").slice(0, -1);
  }
  close(): void {
    closeSync(this.fd);
  }
}

describe("serial link", () => {
  let gw: Gateway | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const pty = new PtyPair(dir);
    await pty.start();
    cleanups.push(() => pty.stop());
    const log = new MemoryLogger();
    const cfg = { ...defaultConfig(dir), site: "bench", devices: { none: true } as const, upstream: { url: "mqtt://127.0.0.1:1", rejectUnauthorized: true },
      serial: { discover: false, ports: [{ path: pty.gw, baudRate: 115200 }], retryMs: 100 }, health: { enabled: false, host: "127.0.0.1", port: 0 } };
    gw = await startGateway(cfg, { logger: log });
    await log.waitFor("serial", "open");
    return { dir, pty, log, gw };
  }

  it("takes frames split at any byte among log lines and garbage, rejects noise with a reason, acks as REPL lines", async () => {
    const { pty, log, gw } = await setup();
    const dev = new TestDevice();
    gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey, repl: "espruino" });
    const end = new DeviceEnd(pty.dev);
    cleanups.push(() => end.close());
    const f0 = encodeUplinkLine(dev.next({ sign: false }));
    const f1 = encodeUplinkLine(dev.next());
    const corrupt = f1.replace(/A/, "B"); // same length, CRC no longer matches
    const text = `boot ok\r\n${f0}\x00\xff garbage\nmeter: 1 pulse\n${corrupt}@SK1:notbase64*zzzz\n${"x".repeat(600)}\n${f1}`;
    // One byte per write: the gateway must reassemble lines whatever the chunking.
    for (const ch of text) end.write(ch);
    await waitFor(() => gw.registry.list()[0]?.lastSeq === 1, "both readings accepted");
    expect(log.find("reject", "reason=E_CRC").length).toBe(1);
    expect(log.find("reject", "reason=E_FRAME").length).toBe(1);
    expect(log.find("reject", "reason=E_LINE_TOO_LONG").length).toBe(1);
    expect(gw.metrics.get("solkit_rejected_total", { reason: "E_CRC" })).toBe(1);
    // The ack comes back as an Espruino REPL line (0x10 first), with a valid MAC for seq 1.
    let ackLine = "";
    await waitFor(() => !!(ackLine = end.lines().find((l) => l.includes("solkit.rx(")) ?? ""), "ack line on the device end");
    expect(ackLine.charCodeAt(0)).toBe(0x10);
    const body = ackLine.slice(ackLine.indexOf('("') + 2, ackLine.lastIndexOf('")'));
    const v = verifyAck(decodeFrameBody(body).message, dev.hmacKey, dev.publicKey, 1);
    expect(v).toMatchObject({ ok: true });
    expect(v.ack!.seq).toBe(1);
    expect(gw.spool.depth).toBe(2); // upstream unreachable: spooled
    void LineParser;
  });

  it("survives a pulled cable and reopens the port when it comes back", async () => {
    const { pty, log, gw } = await setup();
    const dev = new TestDevice();
    gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey });
    let end = new DeviceEnd(pty.dev);
    end.write(encodeUplinkLine(dev.next()));
    await waitFor(() => gw.registry.list()[0]?.lastSeq === 0, "first reading");
    end.close();
    await pty.stop(); // the cable is pulled: both ends vanish
    await log.waitFor("serial", "lost");
    await new Promise((r) => setTimeout(r, 300)); // a few failed retries
    expect(gw.serial[0].isOpen).toBe(false);
    await pty.start(); // plugged back in (same names)
    await waitFor(() => log.find("serial", "back after an outage").length > 0, "port reopened");
    end = new DeviceEnd(pty.dev);
    cleanups.push(() => end.close());
    end.write(encodeUplinkLine(dev.next()));
    await waitFor(() => gw.registry.list()[0]?.lastSeq === 1, "reading after replug");
  });
});

describe("serial discovery fallback", () => {
  it("scans by-id links, ttyUSB and ttyACM, each device once", () => {
    const dev = tempDir("solkit-dev-");
    try {
      mkdirSync(join(dev, "serial", "by-id"), { recursive: true });
      for (const n of ["ttyUSB0", "ttyACM1", "ttyS0", "tty1"]) writeFileSync(join(dev, n), "");
      symlinkSync(join(dev, "ttyUSB0"), join(dev, "serial", "by-id", "usb-Silicon_Labs_CP2102-if00-port0"));
      expect(scanDevPorts(dev)).toEqual([join(dev, "serial", "by-id", "usb-Silicon_Labs_CP2102-if00-port0"), join(dev, "ttyACM1")]);
    } finally {
      rmSync(dev, { recursive: true, force: true });
    }
  });
});
