/** Shared set-up for the device tests: a provisioned device on a fake board, and a host loop. */
import { decodePublicKey } from "../../shared/crypto/strkey";
import { startDevice, type Device, type DeviceConfig } from "../../firmware/app";
import { FakeBoard, FakeFlash } from "./fake-hal";
import { ackBody, FakeHost, HOST_KEY_HEX } from "./fake-host";

export interface Rig {
  flash: FakeFlash;
  board: FakeBoard;
  device: Device;
  id: string;
  deviceId: Uint8Array;
  host: FakeHost;
  /** Highest seq acked so far. */
  acked: number;
}

/** Boots a device on `flash` (fresh by default); provisions it unless told not to. */
export function rig(config: Partial<DeviceConfig> = {}, opts: { flash?: FakeFlash; provision?: boolean; sensor?: boolean; signEvery?: number; intervalS?: number } = {}): Rig {
  const flash = opts.flash ?? new FakeFlash();
  const board = new FakeBoard(flash, { sensor: opts.sensor });
  const device = startDevice(board.hal, config);
  let id = "";
  if (opts.provision !== false) {
    id = device.provisionKey(false, "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c");
    device.setHostKey(HOST_KEY_HEX);
    if (opts.signEvery !== undefined || opts.intervalS !== undefined) device.setConfig(opts.intervalS ?? 60, opts.signEvery ?? 10);
  }
  return { flash, board, device, id, deviceId: id ? decodePublicKey(id) : new Uint8Array(32), host: new FakeHost(), acked: -1 };
}

/** Boots the same flash again as after a power cut: new RAM, new uptime, same store. */
export function reboot(r: Rig, config: Partial<DeviceConfig> = {}): Rig {
  r.device.stop();
  r.flash.dead = false;
  r.flash.cutAfter = Infinity;
  const board = new FakeBoard(r.flash);
  board.wall = -1;
  const device = startDevice(board.hal, config);
  const status = device.status();
  const m = /id: (G[A-Z2-7]{55})/.exec(status);
  return { ...r, board, device, id: m ? m[1] : r.id };
}

/** The host reads the lines and acks what it authenticated. */
export function hostRound(r: Rig, hostTime = 0): void {
  r.host.take(r.board.sent);
  if (r.host.authenticated > r.acked) {
    r.acked = r.host.authenticated;
    r.device.receive(ackBody(r.deviceId, r.acked, hostTime));
    r.board.settle();
    r.host.take(r.board.sent);
  }
}

/** Advances `minutes`, adding `pulsesPerMinute` pulses each minute; the host answers after each. */
export function run(r: Rig, minutes: number, pulsesPerMinute = 0, host = true): void {
  for (let i = 0; i < minutes; i++) {
    r.board.pulses += pulsesPerMinute;
    r.board.advance(60_000);
    if (host) hostRound(r);
  }
}
