/**
 * `new SerialPort(…)` for every part of solkit that opens a serial port (flash, provision,
 * monitor, the gateway), with one fix to how a port that goes away is seen on Linux and macOS.
 *
 * When a USB serial adapter is pulled, or the far end of a pseudo-terminal closes, the kernel
 * hangs the tty up: a read racing the hangup fails with EIO, but every read after it returns
 * 0 bytes (drivers/tty/tty_io.c hung_up_tty_read). @serialport/bindings-cpp 13 treats a 0-byte
 * read as "try again" and re-reads forever (unix-read.ts; serialport/bindings-cpp#162), so
 * the port never emits "close": a monitor spins instead of reconnecting, a flash waits for an
 * answer that cannot come. Which of the two a process sees depends only on how quickly its
 * read runs after the hangup, so a busy or slow machine (a Raspberry Pi, a loaded CI runner)
 * hits the 0-byte case. Ports opened with VMIN=1 (serialport's default) return EAGAIN, never 0,
 * while the line is up, so here a 0-byte read is the end of the port: the read fails and the
 * stream closes with a disconnect error, as it does for EIO.
 */
import { read } from "node:fs";
import { SerialPort, type SerialPortOpenOptions } from "serialport";

type Binding = typeof SerialPort.binding;
type PortBinding = Awaited<ReturnType<Binding["open"]>>;

/** What the Unix port bindings (LinuxPortBinding, DarwinPortBinding) have that reads need. */
interface UnixPort {
  fd: number | null;
  readonly isOpen: boolean;
  poller: { once(event: "readable", cb: (err: Error | null) => void): unknown };
}

/** An error the stream takes as "closed on purpose", not as a lost device (binding contract). */
function canceled(message: string): Error {
  return Object.assign(new Error(message), { canceled: true });
}

function readFd(fd: number, buffer: Buffer, offset: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, offset, length, null, (err, n) => (err ? reject(err) : resolve(n))));
}

/**
 * Reads what is there, waiting for the port to become readable; a 0-byte read (the tty was
 * hung up) is an error, so the stream closes instead of reading again forever.
 * @throws Error with `disconnect: true` when the device is gone; `canceled: true` when the port was closed here
 */
export async function hangupAwareRead(port: UnixPort, buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }> {
  for (;;) {
    if (!port.isOpen || port.fd === null) throw canceled("Port is not open");
    let n: number;
    try {
      n = await readFd(port.fd, buffer, offset, length);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN" || code === "EWOULDBLOCK" || code === "EINTR") {
        if (!port.isOpen) throw canceled("Port is not open");
        await new Promise<void>((resolve, reject) => port.poller.once("readable", (err) => (err ? reject(err) : resolve())));
        continue;
      }
      throw Object.assign(e as Error, { disconnect: true });
    }
    if (n === 0) {
      throw Object.assign(new Error("the port hung up (device unplugged or its other end closed)"), { code: "EIO", disconnect: true });
    }
    return { bytesRead: n, buffer };
  }
}

function isUnixPort(p: PortBinding): p is PortBinding & UnixPort {
  return process.platform !== "win32" && typeof (p as Partial<UnixPort>).poller?.once === "function" && "fd" in p;
}

/** The platform's binding, with reads that see a hangup (Windows' binding is left as it is). */
export const hangupAwareBinding: Binding = {
  list: () => SerialPort.binding.list(),
  async open(options: Parameters<Binding["open"]>[0]) {
    const port = await SerialPort.binding.open(options);
    if (isUnixPort(port)) {
      port.read = (buffer: Buffer, offset: number, length: number) => hangupAwareRead(port, buffer, offset, length);
    }
    return port;
  },
} as Binding;

/** `new SerialPort(options)` on the hangup-aware binding. */
export function serialPort(options: SerialPortOpenOptions<Binding>): SerialPort {
  return new SerialPort({ ...options, binding: hangupAwareBinding } as SerialPortOpenOptions<Binding>);
}
