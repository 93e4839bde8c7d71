/**
 * One simulated device in its world: the emulated board running the built firmware, the panel
 * and loads, the meter between them, the serial cable to the host, and the tap on that line.
 * `step` moves it through one stretch of simulated time. The runner (one rig, faults) and the
 * fleet (many rigs, one host) both drive rigs.
 */
import type { Board } from "../../boards/board-type";
import { decodePublicKey } from "../../shared/crypto/strkey";
import { encodeDownlinkLine } from "../../shared/protocol/frame";
import type { SimBoard } from "./sim-board";
import { simTarget, type DeviceSettings, type SimTarget } from "./sim-target";
import type { HostDevice, SimHost } from "../host/sim-host";
import { LineTap } from "../host/tap";
import { SerialCable } from "../world/cable";
import { prng } from "../world/sky";
import { World, type MeterPin, type WorldOptions } from "../world/world";

export interface RigOptions {
  board: Board;
  firmware: string;
  seed: number;
  world: Omit<WorldOptions, "seed">;
  device?: DeviceSettings;
  /** Wall-clock limit per board callback (hang protection); 0 = none. */
  callbackTimeoutMs: number;
}

export class DeviceRig {
  readonly board: SimBoard;
  private readonly target: SimTarget;
  readonly world: World;
  readonly cable: SerialCable;
  readonly tap = new LineTap();
  /** The S0 input the world pulses; undefined for a board that samples a sensor (a Pi's INA219). */
  readonly meter: MeterPin | undefined;
  readonly relay: { pin: string; activeHigh: boolean };
  readonly hmacKey: Uint8Array;
  id = "";
  publicKey: Uint8Array = new Uint8Array(32);
  /** Simulated ms of every boot of the firmware (power-on, watchdog…), for the energy check. */
  readonly boots: number[] = [];
  private seenResets = 0;

  constructor(readonly o: RigOptions) {
    const b = o.board;
    this.target = simTarget(b, o.firmware, o.seed, o.callbackTimeoutMs);
    this.board = this.target.board;
    this.world = new World({ ...o.world, seed: o.seed });
    this.cable = new SerialCable(this.board, o.seed);
    const m = b.pins.meterInput;
    this.meter = m === undefined ? undefined : { pin: m.pin, impPerKWh: m.impPerKWh, activeLow: m.edge !== "rising" };
    this.relay = b.pins.relay[0];
    const r = prng(o.seed ^ 0x4b3e);
    this.hmacKey = new Uint8Array(32).map(() => Math.floor(r() * 256));
  }

  /**
   * Flashes and boots the firmware, provisions it over the REPL as `solkit provision` does
   * (device key made on the board, host key set) and registers it with the host.
   * @throws Error when the firmware does not come up with a device id
   */
  start(host: SimHost): void {
    // Host entropy from the scenario's seed, so a run replays exactly; solkit provision uses the CSPRNG.
    const r = prng(this.o.seed ^ 0x6e70);
    const entropy = Buffer.from(new Uint8Array(32).map(() => Math.floor(r() * 256))).toString("hex");
    const key = Buffer.from(this.hmacKey).toString("hex");
    const id = this.target.provision(entropy, key, this.o.device);
    this.seenResets = this.target.resetsBeforeFirmware;
    if (typeof id !== "string" || !id.startsWith("G")) throw new Error(`${this.o.board.id}: the firmware did not return a device id (got ${String(id)})`);
    this.id = id;
    this.publicKey = decodePublicKey(id);
    this.noteBoots();
    const dev: HostDevice = { id, publicKey: this.publicKey, hmacKey: this.hmacKey, write: (line) => this.cable.write(line), repl: this.target.dialect };
    host.addDevice(dev, this.tap);
  }

  /** True while the relay output holds the load on. */
  relayClosed(): boolean {
    return this.board.pinLevel(this.relay.pin) === (this.relay.activeHigh ? 1 : 0);
  }

  /** Simulated time of the board (ms). */
  get now(): number {
    return this.board.now;
  }

  /** The world for [now, to), the board up to `to`, and what its console printed to the host. */
  step(toMs: number, host: SimHost): void {
    const from = this.board.now;
    this.world.step(this.board, this.meter, from, toMs, this.relayClosed());
    this.board.advance(toMs - from);
    this.noteBoots();
    host.receive(this.id, this.cable.take(), this.board.now);
    // Only the emulator's diagnostic logs grow with time; nobody reads them in a long run.
    this.board.pins.log.length = 0;
    this.board.console.printed.length = 0;
  }

  /** Sends a downlink frame (a token) down the line as the REPL call the board runs. */
  sendFrame(bytes: Uint8Array): void {
    this.cable.write(encodeDownlinkLine(bytes, this.target.dialect));
  }

  /** Powers the board off and ends what it holds outside this heap (a Lua process, temporary folders). */
  dispose(): void {
    this.target.dispose();
  }

  private noteBoots(): void {
    const r = this.board.resets;
    for (; this.seenResets < r.length; this.seenResets++) this.boots.push(r[this.seenResets].t);
  }
}
