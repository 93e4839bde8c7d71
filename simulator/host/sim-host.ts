/**
 * What a simulated host is to the simulator: devices on serial lines, bytes in, acks out.
 * Two kinds: the light in-process host (light-host.ts) and the real gateway
 * (gateway-host.ts). Credit tokens do not go through either: the teller that issues them is
 * the scenario's (runner), writing on the same line.
 */
import type { LineTap } from "./tap";

export interface HostDevice {
  /** G… id. */
  id: string;
  publicKey: Uint8Array;
  hmacKey: Uint8Array;
  /** Writes a line to the device's console (through its cable). */
  write(line: string): void;
  /** How its console takes a downlink frame (shared/protocol/frame.ts encodeDownlinkLine); default espruino. */
  repl?: "espruino" | "nodemcu";
}

export interface SimHost {
  readonly kind: "light" | "gateway";
  /** Registers a device and the tap watching its line. */
  addDevice(dev: HostDevice, tap: LineTap): void;
  /** Console bytes the host's port read from a device. */
  receive(id: string, text: string, simMs: number): void;
  /** After each step: verify, ack; the gateway also lets its event loop run. */
  settle(simMs: number): Promise<void>;
  /** Acks on or off (a host that stores but never answers). */
  acking: boolean;
  /** Host clock offset in seconds (light host only). */
  clockOffsetS: number;
  /** The upstream broker goes down or comes back. */
  setBroker(up: boolean): Promise<void>;
  /** Messages waiting for the upstream broker. */
  spoolDepth(): number;
  close(): Promise<void>;
}
