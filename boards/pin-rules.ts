/**
 * The rules a schema cannot say: every pin we wire must exist on the board, do what its function
 * needs, stay off the flash and reserved pins, and serve one function only; strapping pins are a
 * warning (as ESPHome warns), silenced per pin with `allowStrapping: true`. The rules run on
 * whatever parts of a file are well-formed, so a file with schema errors still gets its pin
 * errors listed in the same run.
 */
import type { ChipPin, PinCapability } from "./board-type";
import { nearest } from "./nearest";

export type Severity = "error" | "warning";
export type Report = (severity: Severity, path: string, message: string) => void;

/** One function's claim on a pin. */
interface Use {
  path: string;
  pin: string;
  role: string;
  needs: PinCapability[];
  allowStrapping: boolean;
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const CAN: Record<PinCapability, string> = {
  input: "read a digital input",
  output: "drive an output",
  interrupt: "watch edges (no interrupt on it)",
  adc: "read an analog voltage (no ADC usable with the radio on)",
  i2c: "be an I2C line",
  "pull-up": "pull up internally (fit an external pull-up and set pull: \"none\")",
  "pull-down": "pull down internally (fit an external pull-down and set pull: \"none\")",
};

/** The board's pins by name and alias; duplicate names are reported. */
export function indexChipPins(chipPins: unknown, report: Report): Map<string, ChipPin> {
  const index = new Map<string, ChipPin>();
  list(chipPins).forEach((p, i) => {
    if (!isObject(p) || typeof p.name !== "string" || !Array.isArray(p.caps)) return;
    const pin = p as unknown as ChipPin;
    const names = [pin.name, ...list(pin.aliases).filter((a): a is string => typeof a === "string")];
    for (const name of names) {
      if (index.has(name)) report("error", `chipPins[${i}]`, `pin name ${name} appears twice in chipPins`);
      else index.set(name, pin);
    }
  });
  return index;
}

function pullNeed(pull: unknown): PinCapability[] {
  if (pull === "up") return ["pull-up"];
  if (pull === "down") return ["pull-down"];
  return [];
}

/** Every pin the board file wires, with what the function needs. */
function collectUses(pins: Loose): Use[] {
  const uses: Use[] = [];
  const add = (owner: unknown, key: string, path: string, role: string, needs: PinCapability[]) => {
    if (!isObject(owner) || typeof owner[key] !== "string") return;
    uses.push({ path: `${path}.${key}`, pin: owner[key] as string, role, needs, allowStrapping: owner.allowStrapping === true });
  };
  list(pins.relay).forEach((r, i) => {
    const name = isObject(r) && typeof r.name === "string" ? ` "${r.name}"` : "";
    add(r, "pin", `pins.relay[${i}]`, `relay${name}`, ["output"]);
  });
  const meter = pins.meterInput;
  if (isObject(meter)) add(meter, "pin", "pins.meterInput", "the meter input", ["input", "interrupt", ...pullNeed(meter.pull)]);
  const sensor = pins.sensor;
  if (isObject(sensor) && sensor.kind === "ina219") {
    add(sensor, "sda", "pins.sensor", "the INA219's SDA", ["i2c"]);
    add(sensor, "scl", "pins.sensor", "the INA219's SCL", ["i2c"]);
  } else if (isObject(sensor) && sensor.kind === "adc") {
    add(sensor, "pin", "pins.sensor", "the power sensor", ["adc"]);
  }
  add(pins.led, "pin", "pins.led", "the LED", ["output"]);
  const button = pins.button;
  if (isObject(button)) add(button, "pin", "pins.button", "the button", ["input", "interrupt", ...pullNeed(button.pull)]);
  return uses;
}

/** Checks every wired pin against the board's pin list. */
export function checkPinUses(pins: unknown, chipPins: Map<string, ChipPin>, report: Report): void {
  if (!isObject(pins)) return;
  const claimed = new Map<ChipPin, Use>();
  const lines = new Map<number, Use>();
  const names = [...chipPins.keys()];
  for (const use of collectUses(pins)) {
    const chip = chipPins.get(use.pin);
    if (!chip) {
      const hint = nearest(use.pin, names);
      report("error", use.path, `no pin ${use.pin} on this board${hint ? ` (did you mean ${hint}?)` : ""}`);
      continue;
    }
    const shown = chip.name === use.pin ? use.pin : `${use.pin} (${chip.name})`;
    if (chip.flash) report("error", use.path, `${shown} is wired to the SPI flash; using it for ${use.role} crashes the chip`);
    if (chip.reserved) report("error", use.path, `${shown} is reserved: ${chip.reserved}`);
    const caps = list(chip.caps);
    const missing = use.needs.filter((c) => !caps.includes(c));
    if (missing.includes("output") && caps.includes("input")) {
      report("error", use.path, `${use.role} needs an output pin; ${shown} is input-only`);
    } else {
      for (const cap of missing) report("error", use.path, `${use.role} needs a pin that can ${CAN[cap]}; ${shown} cannot`);
    }
    if (chip.strapping && !use.allowStrapping) {
      report(
        "warning",
        use.path,
        `${shown} is a strapping pin (${chip.strapping}); ${use.role} may stop the board booting. ` +
          `Set allowStrapping: true if this is intended`,
      );
    }
    if (typeof chip.exti === "number" && use.needs.includes("interrupt")) {
      const other = lines.get(chip.exti);
      if (other && other.pin !== use.pin) {
        report("error", use.path, `${use.role} and ${other.role} (${other.path}) share EXTI line ${chip.exti}; only one of them can be watched`);
      } else lines.set(chip.exti, use);
    }
    const earlier = claimed.get(chip);
    if (earlier) report("error", use.path, `${shown} is already ${earlier.role} (${earlier.path}); one function per pin`);
    else claimed.set(chip, use);
  }
}

/** Exactly one energy input: pulses or a sampled sensor. */
export function checkEnergyInput(pins: unknown, report: Report): void {
  if (!isObject(pins)) return;
  const meter = pins.meterInput !== undefined;
  const sensor = pins.sensor !== undefined;
  if (meter && sensor) report("error", "pins.sensor", "set either meterInput (pulses) or sensor (sampled power), not both");
  if (!meter && !sensor) report("error", "pins", "needs an energy input: meterInput (S0 pulses) or sensor (sampled power)");
}
