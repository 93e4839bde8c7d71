/**
 * An I2C bus through i2c-tools' `i2ctransfer` (Debian package i2c-tools): one write of the
 * register number, one 2-byte read, in a single combined transaction (repeated start), as the
 * INA219 expects. Same reasoning as gpio.ts: no native module to compile on the device.
 */
import { execFile as nodeExecFile } from "node:child_process";

export interface I2cBus {
  /** The big-endian 16-bit register `reg` of the chip at `address`. */
  readWord(address: number, reg: number): Promise<number>;
  /**
   * The same, answered at once, where the bus can (the simulator's, on virtual time: a promise
   * would settle only after the whole simulated step). @throws Error when the chip does not answer
   */
  readWordNow?(address: number, reg: number): number;
}

export function i2cTransferBus(bus: number, execFile: typeof nodeExecFile = nodeExecFile): I2cBus {
  return {
    readWord: (address, reg) =>
      new Promise((resolve, reject) => {
        const args = ["-y", String(bus), `w1@0x${address.toString(16)}`, `0x${reg.toString(16)}`, "r2"];
        execFile("i2ctransfer", args, { timeout: 1000 }, (err, stdout) => {
          if (err) return reject(new Error(`i2ctransfer ${args.join(" ")}: ${err.message.split("\n")[0]}`));
          const m = /^0x([0-9a-f]{2}) 0x([0-9a-f]{2})\s*$/i.exec(String(stdout));
          if (m === null) return reject(new Error(`i2ctransfer: unexpected output ${JSON.stringify(String(stdout).slice(0, 40))}`));
          resolve(parseInt(m[1], 16) * 256 + parseInt(m[2], 16));
        });
      }),
  };
}
