/**
 * The Espruino 2v2x globals the Espruino target uses (espruino.com/Reference), declared here
 * and nowhere else: only firmware/targets/espruino/ may touch them.
 */
declare function getTime(): number;
declare function setInterval(fn: () => void, ms: number): number;
declare function setTimeout(fn: () => void, ms: number): number;
declare function clearInterval(id: number): void;
declare function clearTimeout(id: number): void;
/** Pins may be given by name ("D26", "B12"): Espruino resolves the string to the pin. */
declare function digitalWrite(pin: string, value: number | boolean): void;
declare function digitalRead(pin: string): number;
declare function pinMode(pin: string, mode: string): void;
declare function analogRead(pin: string): number;
declare function setWatch(
  fn: (e: { state: boolean; time: number }) => void,
  pin: string,
  options: { repeat: boolean; edge: string; debounce: number },
): number;
declare function print(...text: unknown[]): void;
declare function require(module: "Storage"): EspruinoStorage;
declare function require(module: "crypto"): EspruinoCrypto;
declare const E: {
  hwRand(): number;
  enableWatchdog(timeoutS: number, isAuto: boolean): void;
  kickWatchdog(): void;
  reboot?: () => void;
  /** A Uint8Array of a string's character codes (native). */
  toUint8Array(s: string): Uint8Array;
  /** CRC-32 (IEEE, zlib's) of a string's character codes or an array's bytes (native). */
  CRC32(data: string | Uint8Array): number;
  /** The binary string of bytes (native); undefined when it cannot be allocated. */
  toString(data: Uint8Array): string | undefined;
  /** Σ a[i]·b[(i + offset) mod b.length] over a, in doubles (native; absent with SAVE_ON_FLASH). */
  convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number): number;
  /** The console device's name: "USB", "Serial1", "LoopbackA", "Limbo" (at boot on USB boards) … */
  getConsole(): string;
};

/** A serial device (USB, Serial1, LoopbackA/B): espruino.com/Reference#Serial. */
interface EspruinoSerial {
  write(data: string): void;
  on(event: "data", fn: (data: string) => void): void;
  /** Moves the REPL to this device; `force`: USB, Bluetooth and Telnet connections do not move it away. */
  setConsole(force: boolean): void;
}
/** Absent on boards without native USB (ESP32: the console is Serial1 behind a UART bridge). */
declare const USB: EspruinoSerial | undefined;
declare const Serial1: EspruinoSerial;
/** The telnet console (ESP32 with Wi-Fi; the Linux build with --telnet). */
declare const Telnet: EspruinoSerial;
declare const LoopbackA: EspruinoSerial;
declare const LoopbackB: EspruinoSerial;
/** Base64 → binary string (native). */
declare function atob(s: string): string;
/** Binary string → base64 (native). */
declare function btoa(s: string): string;
declare function load(): void;
declare const process: { env: { BOARD?: string; VERSION?: string } };
declare const console: { log(...text: unknown[]): void };

interface EspruinoStorage {
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  write(name: string, data: string | Uint8Array, offset?: number, size?: number): boolean;
  erase(name: string): void;
  getFree(): number;
}

interface EspruinoCrypto {
  SHA256(data: Uint8Array): ArrayBuffer;
  SHA512?: (data: Uint8Array) => ArrayBuffer;
}

/** The board facts `solkit build` embeds (toolchain/firmware.ts writes this module). */
declare module "solkit:board" {
  const board: {
    id: string;
    relay: { pin: string; activeHigh: boolean }[];
    meter: { pin: string; edge: string; pull: string; debounceMs: number } | undefined;
    adc: { pin: string; wattsPerVolt: number } | undefined;
    led: { pin: string; activeHigh: boolean } | undefined;
    config: {
      firmwareVersion: string;
      meterImpPerKwh: number;
      outboxCapacity: number;
      segmentSlots: number;
    };
  };
  export default board;
}

/** Espruino's global object (what the REPL sees). */
declare const global: { solkit?: unknown; halProbe?: unknown };
