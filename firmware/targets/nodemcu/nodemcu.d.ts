/**
 * The NodeMCU firmware's Lua modules this target uses (nodemcu.readthedocs.io: tmr, gpio, file,
 * node, crypto, uart), as typescript-to-lua sees them: module functions are called with a dot
 * (@noSelf), methods of timer and file objects with a colon. Plus the byte/string bridge of
 * nodemcu-prelude.lua (Lua strings are the byte buffers of NodeMCU's file and crypto APIs).
 */

/** @noSelf */
declare namespace tmr {
  /** Microseconds since boot; on the ESP8266 it wraps at 2^31 (about 35 minutes). */
  function now(): number;
  function create(): NodeMcuTimer;
  /** A software watchdog: the chip restarts unless re-armed within `seconds` (-1 disables). */
  function softwd(seconds: number): void;
  const ALARM_SINGLE: number;
  const ALARM_AUTO: number;
}

interface NodeMcuTimer {
  alarm(ms: number, mode: number, cb: (this: void, t: NodeMcuTimer) => void): boolean;
  unregister(): void;
}

/** @noSelf */
declare namespace gpio {
  const OUTPUT: number;
  const INPUT: number;
  const INT: number;
  const PULLUP: number;
  const FLOAT: number;
  const HIGH: number;
  const LOW: number;
  function mode(pin: number, mode: number, pull?: number): void;
  function write(pin: number, level: number): void;
  function read(pin: number): number;
  /** `cb(level, when, eventcount)`: `when` in µs (tmr.now's clock). */
  function trig(pin: number, type: string, cb: (this: void, level: number, when: number, count: number) => void): void;
}

interface NodeMcuFile {
  write(data: string): boolean;
  read(n?: number): string | undefined;
  seek(whence: string, offset: number): number | undefined;
  close(): void;
}

/** @noSelf */
declare namespace file {
  function open(name: string, mode: string): NodeMcuFile | undefined;
  function remove(name: string): void;
  function exists(name: string): boolean;
  /** Bytes remaining on the filesystem (Lua returns remaining, used, total; an expression takes the first). */
  function fsinfo(): number;
}

/** @noSelf */
declare namespace node {
  function restart(): void;
  /** An integer in [l, u] from the chip's random number generator. */
  function random(l: number, u: number): number;
  function heap(): number;
}

/** @noSelf */
declare namespace uart {
  /** `run_input` 0: lines go to `cb` only, never to the Lua interpreter (the locked console). */
  function on(event: string, terminator?: string, cb?: (this: void, data: string) => void, runInput?: number): void;
}

/**
 * The ESP32 firmware's wifi module (station mode only here). `config` takes the network; with
 * `auto` the chip joins it by itself and again after each loss. Events: "got_ip", "disconnected".
 * @noSelf
 */
declare namespace wifi {
  const STATION: number;
  function mode(mode: number, save?: boolean): void;
  function start(): void;
}
/** @noSelf */
declare namespace wifi.sta {
  function config(cfg: { ssid: string; pwd: string; auto: boolean }, save: boolean): void;
  function on(event: string, cb: (this: void, event: string, info: unknown) => void): void;
}

/**
 * The mqtt module's client (MQTT 3.1.1). One connect at a time; `publish`'s callback is shared by
 * all publishes, so nothing here counts on it: readings leave the outbox by the gateway's ack.
 */
interface NodeMcuMqttClient {
  lwt(topic: string, message: string, qos: number, retain: number): void;
  on(event: string, cb: (this: void, client: NodeMcuMqttClient, topic?: string, data?: string) => void): void;
  /** `secure`: false, or `{ ca_cert: PEM }` (TLS, the broker's certificate checked against it: dev-esp32's mqtt). */
  connect(host: string, port: number, secure: boolean | { ca_cert: string }, ok: (this: void, client: NodeMcuMqttClient) => void, fail: (this: void, client: NodeMcuMqttClient, reason: number) => void): boolean;
  subscribe(topic: string, qos: number): boolean;
  publish(topic: string, payload: string, qos: number, retain: number): boolean;
  close(): boolean;
}
/** @noSelf */
declare namespace mqtt {
  /** `cleansession` 0 keeps the session: QoS 1 commands sent while the device was away wait for it. */
  function Client(clientId: string, keepaliveS: number, user: string, password: string, cleansession: number): NodeMcuMqttClient;
}

/**
 * The firmware's optional crypto module, nil when not built in: crypto.hash(algo, s) on the
 * ESP8266, crypto.new_hash(algo) with update/finalize on the ESP32; binary digests as Lua strings.
 */
interface NodeMcuHasher {
  update(data: string): void;
  finalize(): string;
}
declare const crypto: { hash?: (this: void, algo: string, data: string) => string; new_hash?: (this: void, algo: string) => NodeMcuHasher } | undefined;

/** Lua's global table: the REPL's `solkit.rx(…)` and `solkit_rx(…)` live there. */
declare const _G: Record<string, unknown>;

/** @noSelf */ declare function print(this: void, text: string): void;

/** nodemcu-prelude.lua: bytes of a Uint8Array as a Lua string, and back. */
declare function solkit_bytes_to_string(this: void, b: Uint8Array): string;
declare function solkit_string_to_bytes(this: void, s: string): Uint8Array;

/**
 * The board facts `solkit build` embeds: a Lua table put before the bundle
 * (toolchain/nodemcu-target.ts), since a Lua bundle has no virtual modules.
 */
declare const SOLKIT_BOARD: {
  id: string;
  relay: { pin: number; activeHigh: boolean }[];
  meter: { pin: number; edge: string; pull: string; debounceMs: number } | undefined;
  config: { firmwareVersion: string; meterImpPerKwh: number; outboxCapacity: number; segmentSlots: number; trustedRng: boolean };
};

/** Bytes p and p+1 (0-based, little-endian) of a Lua string that stands behind a Uint8Array type (nodemcu-prelude.lua). */
declare function solkit_u16(this: void, s: Uint8Array, p: number): number;
