/**
 * host/serial-port.ts: a port whose device goes away closes, however late its first read after
 * the hangup runs. The test makes the slow case certain instead of likely: the stream is
 * paused while socat (the pty's other end) exits, so the kernel has hung the tty up before the
 * next read, which then returns 0 bytes. Stock @serialport/bindings-cpp re-reads forever
 * there and never closes; a busy machine got there by chance (a flaky unplug test).
 */
import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serialPort } from "../../host/serial-port";

const procs: ChildProcess[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) {
    if (p.exitCode === null && p.signalCode === null) {
      const gone = new Promise((r) => p.once("exit", r));
      p.kill("SIGTERM");
      await gone;
    }
  }
});

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A pty at a fresh path whose other end is socat echoing into its own stdout. */
async function pty(): Promise<{ path: string; socat: ChildProcess }> {
  const path = join(mkdtempSync(join(tmpdir(), "solkit-serial-")), "ttyX");
  const socat = spawn("socat", [`pty,raw,echo=0,link=${path}`, "-"], { stdio: ["pipe", "pipe", "ignore"] });
  procs.push(socat);
  await waitFor(() => existsSync(path), "socat's pty");
  return { path, socat };
}

describe("serialPort", () => {
  it("closes with a disconnect when the device is gone before its next read", async () => {
    const { path, socat } = await pty();
    const port = serialPort({ path, baudRate: 115200, autoOpen: false });
    let closed: (Error & { disconnected?: boolean }) | null | undefined;
    port.on("close", (e: Error | null) => (closed = e));
    port.on("error", () => {});
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    port.pause();
    const gone = new Promise((r) => socat.once("exit", r));
    socat.kill("SIGTERM");
    await gone; // socat closed the master: the kernel has hung the slave up
    port.on("data", () => {});
    port.resume();
    await waitFor(() => closed !== undefined, "the port to close");
    expect(closed?.disconnected).toBe(true);
  });

  it("reads and writes as before while the line is up, and closes quietly when asked", async () => {
    const { path, socat } = await pty();
    let echoed = "";
    socat.stdout!.on("data", (d: Buffer) => (echoed += d.toString("latin1")));
    const port = serialPort({ path, baudRate: 115200, autoOpen: false });
    let text = "";
    port.on("data", (d: Buffer) => (text += d.toString("latin1")));
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    port.write("to the device\n");
    await waitFor(() => echoed.includes("to the device"), "bytes at the far end");
    socat.stdin!.write("from the device\n");
    await waitFor(() => text.includes("from the device"), "bytes from the far end");
    const closedWith = await new Promise<Error | null>((res) => port.close((e) => res(e ?? null)));
    expect(closedWith).toBeNull();
  });
});
