/**
 * Randomness, hashing and the watchdog. SHA-256/512 are native where the firmware has the
 * crypto module (ESP32, Espruino WiFi: DESIGN.md); boards without it fall back to the portable
 * code, which the build counts in the bundle anyway.
 */
import type { Platform } from "../../hal";
import type { HashFn } from "../../../shared/crypto/types";
import { sha256 } from "../../../shared/crypto/sha256";

function nativeCrypto(): EspruinoCrypto | undefined {
  try {
    return require("crypto");
  } catch (e) {
    return undefined; // "Module crypto not found": a board built without it
  }
}

/** 32 bits from the low bits of getTime() deltas around short loops (interrupts, flash, USB vary them). */
function jitterWord(): number {
  let w = 0;
  for (let k = 0; k < 8; k++) {
    const t0 = getTime();
    let x = 0;
    for (let i = 0; i < 8 + (w & 7); i++) x += i;
    const d = Math.floor((getTime() - t0) * 1e7 + x);
    w = ((w << 4) | (w >>> 28)) ^ (d & 0xffff);
  }
  return w;
}

export function espruinoPlatform(): Platform {
  const c = nativeCrypto();
  let sha256Fn: HashFn = sha256;
  let sha512Fn: HashFn | undefined = undefined;
  if (c !== undefined) {
    sha256Fn = function (d: Uint8Array): Uint8Array {
      return new Uint8Array(c.SHA256(d));
    };
    const n512 = c.SHA512;
    if (n512 !== undefined) {
      sha512Fn = function (d: Uint8Array): Uint8Array {
        return new Uint8Array(n512(d));
      };
    }
  }
  return {
    randomBytes: function (n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        // E.hwRand() alone is a constant-seeded rand() on the ESP32 port and the Linux build
        // (issue 9); the microsecond clock around work of varying length adds some jitter.
        // provision.ts still requires host entropy unless the board has a trusted RNG.
        const r = E.hwRand() ^ jitterWord();
        for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (r >>> (8 * j)) & 0xff;
      }
      return out;
    },
    sha256: sha256Fn,
    sha512: sha512Fn,
    enableWatchdog: function (timeoutS: number): void {
      E.enableWatchdog(timeoutS, false); // false: only our tick kicks it, so a stuck loop resets
    },
    kickWatchdog: function (): void {
      E.kickWatchdog();
    },
    reboot: function (): void {
      if (E.reboot !== undefined) E.reboot();
      else load();
    },
  };
}
