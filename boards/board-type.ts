/**
 * The shape of a board file, boards/<id>.json. This type is the single source: scripts/gen-board-schema.ts
 * turns it into boards/board.schema.json (editors complete and check board files with it), and
 * boards/validate.ts checks files against that schema before the pin rules.
 *
 * Board files are the only place pin facts live (DESIGN.md, "Boards are data"): builds, the
 * simulator and the flasher read them. The generator understands interfaces, literal unions,
 * arrays, optional fields and these TSDoc tags: @minimum, @maximum, @pattern, @minItems.
 */

/** What a board's firmware is built for (DESIGN.md, "Targets and what runs where"). */
export type Target = "espruino" | "nodemcu" | "node";

/**
 * What a pin can do. "input"/"output": digital. "interrupt": the target can watch an edge on it
 * (Espruino setWatch, NodeMCU gpio.trig, a gpiochip edge event). "adc": an analog input usable
 * while the radio is on. "i2c": usable as an I2C line. "pull-up"/"pull-down": internal resistors.
 */
export type PinCapability = "input" | "output" | "interrupt" | "adc" | "i2c" | "pull-up" | "pull-down";

/**
 * A hash function the board's stock firmware has built in (Espruino: `require("crypto").SHA256`
 * and `.SHA512`, present when the interpreter's boards/<BOARD>.py lists 'SHA256'/'SHA512').
 */
export type NativeHash = "sha256" | "sha512";

/** How `solkit flash` puts the build on the board. */
export type FlashMethod = "espruino-repl" | "nodemcu-luatool" | "node-copy";

/** One pin of the chip as the board exposes it. */
export interface ChipPin {
  /**
   * The name the target's API uses: "D25" (Espruino on ESP32), "B3" (Espruino on STM32),
   * "D5" (NodeMCU ESP8266 pin index 5), "GPIO25" (NodeMCU ESP32), "GPIO17" (gpiochip0 line 17).
   * @pattern ^[A-Z][A-Z0-9_]*$
   */
  name: string;
  /** Other names of the same pin on this target ("LED1", "BTN1"). */
  aliases?: string[];
  /**
   * The chip's GPIO number, where the name does not say it.
   * @minimum 0
   */
  gpio?: number;
  caps: PinCapability[];
  /** Sampled at reset to choose the boot mode: what it must be at reset, per the datasheet. */
  strapping?: string;
  /**
   * STM32: the EXTI line (the pin number). Espruino can watch only one pin per line, so the meter
   * input and the button must not share a number (A3 and B3); RM0383 §10.2.
   * @minimum 0
   * @maximum 15
   */
  exti?: number;
  /** Wired to the module's SPI flash: using it crashes the chip. */
  flash?: boolean;
  /** Not for our use (HAT ID EEPROM, the radio's UART): why. Using it is an error. */
  reserved?: string;
  /** What else is on this pin on the board (an LED, a button, the console). */
  note?: string;
}

/** A digital output we drive. */
export interface OutputPin {
  pin: string;
  /** True when a high level closes the relay / lights the LED. */
  activeHigh: boolean;
  /** The pin is a strapping pin and that is intended (ESPHome's ignore_strapping_warning). */
  allowStrapping?: boolean;
}

/** One relay output; the first one is the load switch. */
export interface RelayOutput {
  /** What it switches ("load"). */
  name: string;
  pin: string;
  /** True when a high level closes the relay. */
  activeHigh: boolean;
  /** The pin is a strapping pin and that is intended. */
  allowStrapping?: boolean;
}

/** Internal resistor to enable on an input. */
export type Pull = "up" | "down" | "none";

/** An S0 pulse input (IEC 62053-31): an open collector that closes once per 1/impPerKWh kWh. */
export interface MeterInput {
  pin: string;
  /**
   * The meter constant, printed on the meter: impulses per kWh (e.g. 1000).
   * @minimum 1
   */
  impPerKWh: number;
  /** The edge counted: S0 with a pull-up pulls the line low, so "falling". */
  edge: "falling" | "rising";
  pull: Pull;
  /**
   * Ignore edges closer than this (contact bounce); S0 pulses last at least 30 ms.
   * @minimum 0
   */
  debounceMs: number;
  /** The pin is a strapping pin and that is intended. */
  allowStrapping?: boolean;
}

/** A TI INA219 current/power monitor on I2C (datasheet SBOS448G): power sampled on demand. */
export interface Ina219Sensor {
  kind: "ina219";
  sda: string;
  scl: string;
  /**
   * 7-bit I2C address; 0x40 (64) with A0 = A1 = GND (datasheet table 1).
   * @minimum 64
   * @maximum 79
   */
  address: number;
  /**
   * The shunt resistor; 100 mΩ on the common breakout boards.
   * @minimum 1
   */
  shuntMilliohms: number;
  /** The pins are strapping pins and that is intended. */
  allowStrapping?: boolean;
}

/** A voltage proportional to power on an ADC pin (a transducer with a 0–3.3 V output). */
export interface AdcSensor {
  kind: "adc";
  pin: string;
  /**
   * Watts per volt at the pin.
   * @minimum 0
   */
  wattsPerVolt: number;
  /** The pin is a strapping pin and that is intended. */
  allowStrapping?: boolean;
}

/** A sampled power input: exactly one of `meterInput` and `sensor` is set. */
export type PowerSensor = Ina219Sensor | AdcSensor;

/** A push button for the technician (show status, start provisioning). */
export interface ButtonInput {
  pin: string;
  /** True when pressing makes the line high. */
  activeHigh: boolean;
  pull: Pull;
  /** The pin is a strapping pin and that is intended (a BOOT button is on GPIO0). */
  allowStrapping?: boolean;
}

/** Our wiring: which pin does what. Exactly one of meterInput and sensor. */
export interface BoardPins {
  /**
   * Relay outputs; the first is the load switch.
   * @minItems 1
   */
  relay: RelayOutput[];
  meterInput?: MeterInput;
  sensor?: PowerSensor;
  led?: OutputPin;
  button?: ButtonInput;
}

/** What the board can hold. Required for a buildable board. */
export interface Limits {
  /**
   * Espruino only: the interpreter's variable blocks (process.memory().total).
   * @minimum 1
   */
  jsVars?: number;
  /**
   * RAM of the chip in bytes.
   * @minimum 1
   */
  ramBytes: number;
  /**
   * Flash bytes a build may take.
   * @minimum 1
   */
  codeFlashBytes: number;
  /**
   * Flash bytes of the persistent store (Espruino Storage, SPIFFS/LFS, a disk).
   * @minimum 1
   */
  storageBytes: number;
  /** True when the code itself lives in the store and shares its bytes (Espruino's .bootcde). */
  codeInStorage: boolean;
}

/** The serial console over USB. */
export interface SerialLink {
  /**
   * Baud rate of the console (ignored by a USB CDC port but needed by a UART bridge).
   * @minimum 1200
   */
  baud: number;
  /** "cdc": the MCU's own USB; "uart-bridge": a CP2102/CH340 between USB and UART0. */
  usb: "cdc" | "uart-bridge";
}

/** How the device reaches the host. */
export interface Link {
  serial?: SerialLink;
  wifi: boolean;
  /** The device speaks MQTT itself (needs a network). */
  mqtt: boolean;
}

/** A USB vendor:product pair that identifies the board on a port (for `solkit ports`). */
export interface UsbId {
  /** @pattern ^[0-9a-f]{4}$ */
  vendor: string;
  /** @pattern ^[0-9a-f]{4}$ */
  product: string;
  /** The USB chip behind the id ("CP2102", "STM32 USB CDC"). */
  chip: string;
}

/** One board file. */
export interface Board {
  /** Path of the generated JSON schema, "./board.schema.json". */
  $schema?: string;
  /**
   * The file name without .json, used with --board.
   * @pattern ^[a-z0-9]+(-[a-z0-9]+)*$
   */
  id: string;
  name: string;
  target: Target;
  /** False for boards whose target is not built yet. */
  buildable: boolean;
  /** Why not, when buildable is false. */
  whyNotBuildable?: string;
  /** The microcontroller or SoC ("ESP32-D0WD", "STM32F411CEU6"). */
  mcu: string;
  /**
   * Where the pin facts come from: datasheets, the interpreter's own board definition.
   * @minItems 1
   */
  source: string[];
  pins: BoardPins;
  /**
   * The pins of the chip that the board exposes, with what each can do.
   * @minItems 1
   */
  chipPins: ChipPin[];
  limits?: Limits;
  link: Link;
  /**
   * Hashes the board's stock firmware has natively: `solkit build` then leaves the portable
   * code of those out of the bundle and calls the native ones (toolchain/firmware-profile.ts).
   */
  nativeHashes?: NativeHash[];
  /**
   * True only when the board's firmware reads a true hardware RNG for its random source. The
   * device key then may come from that source alone; otherwise (the default) the device
   * refuses to make a key without 32 bytes of host entropy to mix in. Espruino's ESP32 port
   * returns its own constant-seeded rand() from E.hwRand() (targets/esp32/jshardware.c), so
   * every Espruino board says false or leaves it out (issue 9).
   */
  trustedRng?: boolean;
  flash: FlashMethod;
  /** USB ids seen on the port; empty when the board is not reached over USB serial. */
  usb: UsbId[];
  notes?: string[];
}
