/**
 * The Node target's device: the HAL built from board facts and the Pi's parts (GPIO lines, an
 * I2C bus, a data folder, a broker), then the device program on it. Apart from main.ts so that
 * tests and `solkit host`'s local device run the very code the bundle runs, with their own parts.
 */
import { startDevice, type Device } from "../../app";
import type { Hal, Link } from "../../hal";
import { IdentityStore } from "../../identity";
import { encodePublicKey } from "../../../shared/crypto/strkey";
import { mqttPassword } from "../../../shared/protocol/mqtt-auth";
import type { NodeBoardFacts } from "./facts";
import type { GpioLines } from "./gpio";
import type { I2cBus } from "./i2c";
import { ina219Sensor, nodePulseMeter, nodeRelay } from "./io";
import { nodeConsole } from "./console-port";
import { nodePlatform, type NodePlatformOptions } from "./platform";
import { fileStore, type StoreFs } from "./store";
import { nodeClock, nodeTimers } from "./time";
import type { TimerApi } from "./timer-api";
import type { DeviceCredentials } from "./link-mqtt";
import { parseConsoleLine } from "../../console-line";

export interface NodeDeviceParts {
  board: NodeBoardFacts;
  api: TimerApi;
  gpio: GpioLines;
  /** Needed when the board samples an INA219. */
  i2c?: I2cBus;
  dataDir: string;
  fs?: StoreFs;
  /** The link, made once the store exists (it logs in with what the store holds). */
  link: (credentials: () => DeviceCredentials | undefined) => Link;
  out: (text: string) => void;
  platform?: NodePlatformOptions;
}

export interface NodeDevice {
  device: Device;
  hal: Hal;
  /** A console line (stdin, the control socket); returns the answer. */
  input(line: string): string;
  stop(): void;
}

export function startNodeDevice(p: NodeDeviceParts): NodeDevice {
  const relay = nodeRelay(p.gpio, p.board.relay); // first: the load is off before anything else runs
  const timers = nodeTimers(p.api);
  const store = fileStore({ dir: p.dataDir, quotaBytes: p.board.storageBytes, fs: p.fs });
  const platform = nodePlatform(p.platform);
  let started: Device | undefined = undefined;
  const link = p.link(() => {
    // The device's own copy once it runs; before that (the link's first look) the store's.
    const id = started === undefined ? new IdentityStore(store).load() : started.identity();
    if (id.seed.length === 0 || id.hmacKey.length === 0 || id.site === "") return undefined;
    return { id: encodePublicKey(id.publicKey), site: id.site, password: mqttPassword(id.hmacKey, platform.sha256) };
  });
  const tty = nodeConsole(timers, p.out);
  const sampleMs = p.board.config.sampleMs ?? 1000;
  const sensor = p.board.ina219 === undefined ? undefined : ina219Sensor(requireBus(p.i2c), p.board.ina219, sampleMs, p.api, p.out);
  const hal: Hal = {
    clock: nodeClock(p.api),
    timers,
    meter: p.board.meter === undefined ? undefined : nodePulseMeter(p.gpio, p.board.meter),
    sensor,
    relay,
    store,
    link,
    console: tty.console,
    platform,
  };
  const device = startDevice(hal, p.board.config);
  started = device;
  return {
    device,
    hal,
    input(line) {
      // A downlink line (the host's `\x10solkit.rx("…")`) runs open or locked, silently, as on
      // the REPL; it is MAC'd itself. Everything else is the console's to judge.
      const call = parseConsoleLine(line);
      if (call !== undefined && call.name === "rx") {
        device.receive(call.body);
        return "";
      }
      return tty.input(line);
    },
    stop() {
      device.stop();
      sensor?.stop();
    },
  };
}

function requireBus(bus: I2cBus | undefined): I2cBus {
  if (bus === undefined) throw new Error("this board samples an INA219 but no I2C bus was given");
  return bus;
}
