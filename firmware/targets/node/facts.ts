/** What the Node target's bundle knows of its board: pins as lines of a GPIO chip, the I2C sensor, the store's size. */
import type { DeviceConfig } from "../../config";

export interface NodeBoardFacts {
  id: string;
  relay: { pin: string; activeHigh: boolean }[];
  meter: { pin: string; edge: string; pull: string; debounceMs: number } | undefined;
  ina219: { address: number; shuntMilliohms: number; bus: number } | undefined;
  /** The GPIO chip of the header's lines (gpiochip0 on a Pi 4 and a Zero 2 W). */
  gpioChip: string;
  /** The store's quota in the data folder (the board file's limits.storageBytes). */
  storageBytes: number;
  config: Partial<DeviceConfig>;
}
