/**
 * Randomness, hashing, the watchdog and restart on NodeMCU. node.random reads the chip's RNG;
 * the board files do not call it trusted (provisioning mixes in host entropy). SHA-256/512
 * are the crypto module's when the firmware was built with it (crypto.hash on the ESP8266,
 * crypto.new_hash on the ESP32), else the portable ones: checked at run time, not build time.
 * The watchdog is tmr.softwd: the chip restarts unless the main tick re-arms it in time.
 */
import type { Platform } from "../../hal";
import type { HashFn } from "../../../shared/crypto/types";
import { sha256 } from "../../../shared/crypto/sha256";

function native(algo: string): HashFn | undefined {
  if (crypto === undefined) return undefined;
  const hash = crypto.hash;
  if (hash !== undefined) {
    return function (d: Uint8Array): Uint8Array {
      return solkit_string_to_bytes(hash(algo, solkit_bytes_to_string(d)));
    };
  }
  const make = crypto.new_hash;
  if (make === undefined) return undefined;
  return function (d: Uint8Array): Uint8Array {
    const h = make(algo);
    h.update(solkit_bytes_to_string(d));
    return solkit_string_to_bytes(h.finalize());
  };
}

export function nodemcuPlatform(): Platform {
  const n256 = native("sha256");
  let watchdogS = -1;
  return {
    randomBytes: function (n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = node.random(0, 255);
      return out;
    },
    sha256: n256 === undefined ? sha256 : n256,
    sha512: native("sha512"),
    enableWatchdog: function (timeoutS: number): void {
      watchdogS = timeoutS;
      tmr.softwd(timeoutS);
    },
    kickWatchdog: function (): void {
      if (watchdogS > 0) tmr.softwd(watchdogS);
    },
    reboot: function (): void {
      node.restart();
    },
  };
}
