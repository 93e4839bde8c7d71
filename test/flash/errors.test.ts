/**
 * The setup errors, each one line that names the next step and exit 2 from the CLI: port
 * busy (with the holder's pid from /proc), no such port, permission denied (the group),
 * nothing answering, another firmware answering, a bundle too big, an already provisioned
 * device. Also `solkit ports` on a /dev and /sys made for the test (no udevadm needed).
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadBoards } from "../../boards/validate";
import { checkFits } from "../../flash/flash-board";
import { describeOpenError } from "../../flash/port-open";
import { listPorts } from "../../flash/ports";
import { Rig, esp32, smallBundle, tempDir } from "./helpers";

const rig = new Rig();
afterEach(() => rig.cleanup());

function bundleFile(): string {
  const file = join(tempDir(), "app.js");
  writeFileSync(file, smallBundle("e", 4000), "latin1");
  return file;
}

const flashArgs = (port: string) => ["flash", "--board", "esp32-devkitc", "--port", port, "--bundle", bundleFile(), "--baud", "921600"];

describe("setup errors name the next step", () => {
  it("port busy: says which process holds it", async () => {
    const b = await rig.board();
    const holder = await rig.holder(b.path);
    const r = await rig.run(flashArgs(b.path));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(2); // "flashing …" then the one-line error
    expect(r.stderr).toMatch(new RegExp(`in use by pid ${holder.pid} \\(flock`));
    expect(r.stderr).toMatch(/close that program/);
  });

  it("no such port points at solkit ports", async () => {
    const r = await rig.run(flashArgs(join(tempDir(), "ttyNOPE")));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no such port; run 'solkit ports'/);
  });

  it("a file or /dev/null given as --port is not a serial port, said so (issue 11)", async () => {
    const file = join(tempDir(), "capture.log");
    writeFileSync(file, "");
    for (const path of [file, "/dev/null"]) {
      const r = await rig.run(flashArgs(path));
      expect({ status: r.status, last: r.stderr.trim().split("\n").pop() }).toEqual({
        status: 2, last: `solkit: ${path} is not a serial port (a file or another kind of device); run 'solkit ports' to list the serial ports this machine sees`,
      });
    }
  });

  it("permission denied names the group to join", () => {
    const e = describeOpenError("/dev/ttyUSB0", "Error: Permission denied, cannot open /dev/ttyUSB0");
    expect(e.code).toBe("E_PORT_PERMISSION");
    expect(e.message).toMatch(/usermod -aG \S+ \$USER/);
  });

  it("nothing answering at this baud", async () => {
    const b = await rig.board();
    b.emu.powerOff();
    const r = await rig.run(flashArgs(b.path));
    // One assertion on both, so a failure shows the exit code and everything the command said.
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 2,
      stderr: expect.stringMatching(/no board answering on .* at 921600 baud: check the cable, press the board's reset button, or use --baud 115200/),
    });
    expect(b.wire.stats.xoffSent).toBe(0); // a board without power never holds the host back
  });

  it("another firmware answering (NodeMCU's Lua prompt)", async () => {
    const path = join(tempDir(), "ttyLUA");
    await rig.fakeDevice(path, (line) => `${line}\r\nstdin:1: unexpected symbol near '<\\16>'\r\n> `);
    const r = await rig.run(flashArgs(path));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/wrong firmware on the board .*NodeMCU \(Lua\) answered, not Espruino/);
  });

  it("provision refuses a board without the solkit program, and says to flash it", async () => {
    const b = await rig.board();
    // A valid gateway config, so that the refusal can only come from the board's answer.
    const dir = tempDir();
    const config = join(dir, "gw.json");
    writeFileSync(config, JSON.stringify({ database: join(dir, "gw.db") }));
    const r = await rig.run(["provision", "--board", "esp32-devkitc", "--port", b.path, "--site", "x", "--baud", "921600", "-c", config]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 2,
      stderr: expect.stringMatching(/no solkit program runs on the board at .* \(Espruino 2v\d+ answered\); flash it first: solkit flash --board esp32-devkitc --port /),
    });
  });

  it("a bundle too big for the board, before and after asking it", () => {
    expect(() => checkFits(esp32, "x".repeat(300_000))).toThrow(/bigger than esp32-devkitc's whole Storage/);
    const info = { storage: { totalBytes: 262144, freeBytes: 1000, trashBytes: 0 }, bootBytes: 4000, files: [".bootcde", "sk.st0", "log.txt"] };
    expect(() => checkFits(esp32, "x".repeat(10_000), info as never)).toThrow(/needs 10032 bytes of Storage and the board has 5032 free .*--erase/);
  });
});

describe("solkit ports without udevadm", () => {
  it("finds ttyUSB/ttyACM and by-id links, reads USB ids from sysfs, guesses the board", async () => {
    const root = tempDir("solkit-dev-");
    const dev = join(root, "dev");
    const sys = join(root, "sys");
    mkdirSync(join(dev, "serial", "by-id"), { recursive: true });
    writeFileSync(join(dev, "ttyUSB0"), "");
    writeFileSync(join(dev, "ttyACM0"), "");
    symlinkSync(join(dev, "ttyUSB0"), join(dev, "serial", "by-id", "usb-Silicon_Labs_CP2102N-if00-port0"));
    // /sys/class/tty/ttyUSB0/device -> …/usb1/1-1/1-1:1.0/ttyUSB0; idVendor lives in 1-1.
    const usbDev = join(sys, "devices", "usb1", "1-1");
    mkdirSync(join(usbDev, "1-1:1.0", "ttyUSB0"), { recursive: true });
    writeFileSync(join(usbDev, "idVendor"), "10c4\n");
    writeFileSync(join(usbDev, "idProduct"), "ea60\n");
    writeFileSync(join(usbDev, "product"), "CP2102N USB to UART Bridge Controller\n");
    mkdirSync(join(sys, "class", "tty", "ttyUSB0"), { recursive: true });
    symlinkSync(join(usbDev, "1-1:1.0", "ttyUSB0"), join(sys, "class", "tty", "ttyUSB0", "device"));
    const { ports, notes } = await listPorts(loadBoards(), { dev, sys, useList: false });
    expect(ports.map((p) => p.path)).toEqual([join(dev, "serial", "by-id", "usb-Silicon_Labs_CP2102N-if00-port0"), join(dev, "ttyACM0")]);
    expect(ports[0]).toMatchObject({ vendorId: "10c4", productId: "ea60", boards: expect.arrayContaining(["esp32-devkitc"]), inUseBy: [] });
    expect(notes.join("\n")).toMatch(/ttyACM0: USB vendor\/product unknown/);
  });

  it("the CLI says what it could not see", async () => {
    const r = await rig.run(["ports", "--dev", tempDir(), "--json"]);
    expect(r.status).toBe(0);
    const notes = r.stdout.trim().split("\n").map((l) => JSON.parse(l).note);
    expect(notes.join("\n")).toMatch(/no USB serial port found/);
  });
});
