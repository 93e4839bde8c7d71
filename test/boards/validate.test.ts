import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BOARDS_DIR, boardFiles, boardIds, checkBoardFile, formatIssue, validateBoard, type BoardIssue } from "../../boards/validate";

/** A shipped board as a mutable object, to break one thing at a time. */
function board(id: string): any {
  return JSON.parse(readFileSync(join(BOARDS_DIR, `${id}.json`), "utf8"));
}
const brief = (issues: BoardIssue[]) => issues.map((i) => `${i.severity} ${i.path}: ${i.message}`);
const errorsOf = (json: unknown, file = "esp32-devkitc.json") => brief(validateBoard(json, file));

describe("shipped boards", () => {
  it("are the six of the issue and the Pi Zero 2 W (issue 14)", () => {
    expect(boardIds()).toEqual(["esp32-devkitc", "espruino-pico", "espruino-wifi", "nodemcu-esp32", "nodemcu-esp8266", "rpi-zero-2w", "rpi4"]);
  });

  for (const file of boardFiles()) {
    it(`${file.split("/").pop()} validates with no error and no warning`, () => {
      expect(checkBoardFile(file).map(formatIssue)).toEqual([]);
    });
  }

  it("the Espruino ones have a variable budget; a board not buildable says why (the Pico: its bundle is too big)", () => {
    for (const id of boardIds()) {
      const b = board(id);
      if (b.target === "espruino") expect(b.limits.jsVars).toBeGreaterThan(1000);
      if (!b.buildable) expect(typeof b.whyNotBuildable).toBe("string");
    }
    expect(boardIds().filter((id) => board(id).buildable)).toEqual(["esp32-devkitc", "espruino-wifi", "nodemcu-esp32", "rpi-zero-2w", "rpi4"]);
  });
});

describe("validateBoard: each kind of error", () => {
  it("a pin clash: two functions on one pin, also through an alias", () => {
    const b = board("espruino-pico");
    b.pins.led.pin = "B4"; // the relay's pin
    b.pins.button.pin = "LED2"; // B12: free once the LED has moved, so no clash
    b.pins.relay.push({ name: "second", pin: "B3", activeHigh: true });
    expect(errorsOf(b, "espruino-pico.json")).toEqual([
      'error pins.meterInput.pin: B3 is already relay "second" (pins.relay[1].pin); one function per pin',
      'error pins.led.pin: B4 is already relay "load" (pins.relay[0].pin); one function per pin',
    ]);
    const p = board("espruino-pico");
    p.pins.button.pin = "B12"; // the LED is on LED2, which is B12
    expect(errorsOf(p, "espruino-pico.json")).toEqual([
      "error pins.button.pin: B12 is already the LED (pins.led.pin); one function per pin",
    ]);
  });

  it("an unknown pin, with the nearest name", () => {
    const b = board("esp32-devkitc");
    b.pins.relay[0].pin = "D40";
    b.pins.led.pin = "GPIO22";
    expect(errorsOf(b)).toEqual(["error pins.relay[0].pin: no pin D40 on this board (did you mean D10?)", "error pins.led.pin: no pin GPIO22 on this board"]);
  });

  it("a relay on an input-only pin, a meter input on a flash pin, a sensor on a pin without ADC", () => {
    const b = board("esp32-devkitc");
    b.pins.relay[0].pin = "D34";
    b.pins.meterInput.pin = "D7";
    expect(errorsOf(b)).toEqual([
      'error pins.relay[0].pin: relay "load" needs an output pin; D34 is input-only',
      "error pins.meterInput.pin: D7 is wired to the SPI flash; using it for the meter input crashes the chip",
      "error pins.meterInput.pin: the meter input needs a pin that can watch edges (no interrupt on it); D7 cannot",
      'error pins.meterInput.pin: the meter input needs a pin that can pull up internally (fit an external pull-up and set pull: "none"); D7 cannot',
    ]);
    delete b.pins.meterInput;
    b.pins.relay[0].pin = "D26";
    b.pins.sensor = { kind: "adc", pin: "D25", wattsPerVolt: 1000 };
    expect(errorsOf(b)).toEqual([
      "error pins.sensor.pin: the power sensor needs a pin that can read an analog voltage (no ADC usable with the radio on); D25 cannot",
    ]);
  });

  it("a pull-up asked of a pin without one, a reserved pin, two watches on one EXTI line", () => {
    const b = board("espruino-wifi");
    b.pins.relay[0].pin = "A2";
    b.pins.button.pin = "A3"; // EXTI 3, like the meter input on B3
    expect(errorsOf(b, "espruino-wifi.json")).toEqual([
      'error pins.relay[0].pin: A2 is reserved: UART to the ESP8266 Wi-Fi module',
      "error pins.button.pin: A3 is reserved: UART to the ESP8266 Wi-Fi module",
      "error pins.button.pin: the button and the meter input (pins.meterInput.pin) share EXTI line 3; only one of them can be watched",
    ]);
    const e = board("esp32-devkitc");
    e.pins.meterInput.pin = "D35";
    expect(errorsOf(e)).toEqual([
      'error pins.meterInput.pin: the meter input needs a pin that can pull up internally (fit an external pull-up and set pull: "none"); D35 cannot',
    ]);
    e.pins.meterInput.pull = "none";
    expect(errorsOf(e)).toEqual([]);
  });

  it("a strapping pin is a warning, silenced by allowStrapping", () => {
    const b = board("esp32-devkitc");
    b.pins.led.pin = "D12";
    delete b.pins.button.allowStrapping;
    const issues = validateBoard(b, "esp32-devkitc.json");
    expect(issues.every((i) => i.severity === "warning")).toBe(true);
    expect(brief(issues)).toEqual([
      "warning pins.led.pin: D12 is a strapping pin (MTDI: selects the flash voltage; must be low at reset for 3.3 V flash); the LED may stop the board booting. Set allowStrapping: true if this is intended",
      "warning pins.button.pin: D0 is a strapping pin (must be high at reset to boot from flash; low selects download mode (the BOOT button pulls it low)); the button may stop the board booting. Set allowStrapping: true if this is intended",
    ]);
  });

  it("a non-positive meter constant, missing limits, both energy inputs, a wrong flash method", () => {
    const b = board("espruino-pico");
    b.buildable = true;
    delete b.whyNotBuildable;
    b.pins.meterInput.impPerKWh = 0;
    b.pins.sensor = { kind: "adc", pin: "A0", wattsPerVolt: 100 };
    delete b.limits;
    b.flash = "nodemcu-luatool";
    expect(errorsOf(b, "espruino-pico.json")).toEqual([
      "error pins.meterInput.impPerKWh: must be at least 1, got 0",
      "error pins.sensor: set either meterInput (pulses) or sensor (sampled power), not both",
      "error limits: a buildable board needs limits (RAM, code flash, storage)",
      'error flash: target espruino flashes with "espruino-repl", not "nodemcu-luatool"',
    ]);
    const p = board("espruino-wifi");
    delete p.limits.jsVars;
    delete p.pins.meterInput;
    expect(errorsOf(p, "espruino-wifi.json")).toEqual([
      "error pins: needs an energy input: meterInput (S0 pulses) or sensor (sampled power)",
      "error limits.jsVars: an Espruino board needs jsVars (process.memory().total) for the build's budget",
    ]);
  });

  it("schema errors and pin errors all at once, each with its path", () => {
    const b = board("nodemcu-esp8266");
    delete b.name;
    b.target = "arduino";
    b.colour = "blue";
    b.pins.relay[0].activeHigh = "yes";
    b.pins.meterInput.pin = "D0"; // GPIO16: no interrupt, no pull-up
    b.chipPins[1].caps.push("teleport");
    b.id = "nodemcu";
    expect(errorsOf(b, "boards/nodemcu-esp8266.json")).toEqual([
      "error name: missing (required)",
      'error target: "arduino" is not one of "espruino", "nodemcu", "node"',
      "error pins.relay[0].activeHigh: expected a boolean, got a string",
      'error chipPins[1].caps[5]: "teleport" is not one of "input", "output", "interrupt", "adc", "i2c", "pull-up", "pull-down"',
      "error colour: unknown field",
      "error pins.meterInput.pin: the meter input needs a pin that can watch edges (no interrupt on it); D0 cannot",
      'error pins.meterInput.pin: the meter input needs a pin that can pull up internally (fit an external pull-up and set pull: "none"); D0 cannot',
      'error id: id "nodemcu" differs from the file name nodemcu-esp8266.json; name the file nodemcu.json',
    ]);
  });

  it("not an object at all", () => {
    expect(errorsOf([], "x.json")).toEqual(["error $: expected an object, got an array"]);
  });
});
