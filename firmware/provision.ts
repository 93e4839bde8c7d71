/**
 * Provisioning over USB (issue 3, item 2): the technician gives the device its Ed25519 key
 * (made on the device from the hardware random source, so the seed never leaves it), the
 * per-device HMAC key the host shares, the site name, and its interval/signEvery. All of it
 * goes to the Store; none of it is in the bundle.
 *
 * Portable code: see docs/portability.md.
 */
import { concat, fromHex } from "../shared/bytes";
import { SolkitError } from "../shared/errors";
import { MAX_UNIT_COST, startPublicKey, type KeyJob } from "../shared/crypto/ed25519/signer";
import { errorCode } from "../shared/protocol/common";
import { encodePublicKey } from "../shared/crypto/strkey";
import { checkSite, type Identity } from "./identity";
import { copyState } from "./state";
import { hasKey, saveState, updateRelay, type Core } from "./core";
import { checkHostKeyChange } from "../shared/protocol/host-key";

function saveIdentity(core: Core, id: Identity): void {
  if (!core.identities.save(id)) throw new SolkitError("E_STORE", "identity not saved: the store is full");
  core.identity = id;
}

/** Domain separation for the key derivation, so these bytes hash to nothing else in the protocol. */
const KEY_DOMAIN = "solkit/device-key/v1";

/**
 * The device seed: SHA-256(domain ‖ host entropy ‖ 64 bytes the device gathered). The host's
 * 32 bytes come from its CSPRNG and are never stored, so the key is as strong as the better of
 * the two sources: a board whose E.hwRand repeats at every start (issue 9) still gets a key
 * nobody can predict, and a host that lies cannot choose the key alone.
 */
function deriveSeed(core: Core, hostEntropy: Uint8Array): Uint8Array {
  const device = core.hal.platform.randomBytes(64);
  if (device.length !== 64) throw new SolkitError("E_LENGTH", `"randomBytes" expected 64 bytes, got ${device.length}`);
  const domain = new Uint8Array(KEY_DOMAIN.length);
  for (let i = 0; i < KEY_DOMAIN.length; i++) domain[i] = KEY_DOMAIN.charCodeAt(i);
  return core.hal.platform.sha256(concat([domain, hostEntropy, device]));
}

/** Host entropy from hex: 32 bytes, or none when the board's own RNG is trusted. @throws SolkitError E_ENTROPY */
function hostEntropyOf(core: Core, hex: string | undefined): Uint8Array {
  if (hex === undefined || hex === "") {
    if (core.config.trustedRng) return new Uint8Array(0);
    throw new SolkitError("E_ENTROPY", "this board has no trusted random source: pass 64 hex digits of host entropy (solkit provision does)");
  }
  const b = typeof hex === "string" ? fromHex(hex) : undefined;
  if (b === undefined || b.length !== 32) {
    throw new SolkitError("E_ENTROPY", `host entropy: expected 64 hex digits (32 bytes), got ${typeof hex === "string" ? hex.length : 0} characters`);
  }
  return b;
}

/** Event-loop time one slice of key derivation may take (as the signer's: firmware/signing.ts). */
const KEY_SLICE_MS = 8;

/** Runs the key job for up to KEY_SLICE_MS of the board's clock (at least one step); true when done. */
function keySlice(core: Core, job: KeyJob): boolean {
  const t0 = core.hal.clock.uptimeMs();
  for (;;) {
    if (job.step(MAX_UNIT_COST)) return true;
    if (core.hal.clock.uptimeMs() - t0 >= KEY_SLICE_MS) return false;
  }
}

/**
 * Makes the device key from host entropy mixed with what the device gathers (deriveSeed).
 * The public key is a base multiplication: seconds of work on a board (2.2 s full profile,
 * 10.8 s small on the desktop interpreter, several times that on the board — past the 30 s
 * watchdog). So it runs in 8 ms slices: where the first slice finishes it (a virtual clock, a
 * fast host) the id (G…) comes back at once; otherwise the answer is "pending", the device
 * logs `provisioned: device G…` when done, and status() shows the id from then on.
 * `onNewKey` lets the app restart the signer. A forced re-key starts a new device: the outbox
 * (readings of the old key) is erased.
 * @throws SolkitError E_PROVISIONED when a key exists and `force` is not true; E_BUSY while a
 *   key is being made; E_ENTROPY when host entropy is missing (untrusted RNG) or not 32 bytes
 *   of hex; E_STORE; E_LENGTH when the random source gives too few bytes
 */
export function provisionKey(core: Core, force: boolean, hostEntropyHex: string | undefined, onNewKey: () => void): string {
  if (core.keyJob !== undefined) throw new SolkitError("E_BUSY", "a key is being made; status() shows the id when it is done");
  if (hasKey(core) && force !== true) {
    throw new SolkitError("E_PROVISIONED", `already provisioned as ${encodePublicKey(core.identity.publicKey)}; provisionKey(true, entropy) replaces the key and erases the outbox`);
  }
  const seed = deriveSeed(core, hostEntropyOf(core, hostEntropyHex));
  const job = startPublicKey(seed, core.hal.platform.sha512);
  function finish(): string {
    core.keyJob = undefined;
    const publicKey = job.publicKey();
    const wasKeyed = hasKey(core);
    saveIdentity(core, { seed: seed, publicKey: publicKey, hmacKey: core.identity.hmacKey, site: core.identity.site });
    if (wasKeyed) core.outbox.clear();
    onNewKey();
    updateRelay(core);
    const id = encodePublicKey(publicKey);
    core.hal.console.log(`provisioned: device ${id}`);
    return id;
  }
  function later(): void {
    if (core.stopped) return;
    if (!keySlice(core, job)) {
      core.hal.timers.after(0, later);
      return;
    }
    try {
      finish();
    } catch (e) {
      core.keyJob = undefined;
      core.hal.console.log(`provisioning failed: ${errorCode(e)}`);
    }
  }
  core.keyJob = job;
  if (keySlice(core, job)) return finish();
  core.hal.timers.after(0, later);
  core.hal.console.log("making the device key…");
  return "pending";
}

/**
 * Sets the per-device HMAC key (64 hex digits) for acks and tokens. A device that has one
 * takes a new one only with the old key's MAC over it (shared/protocol/host-key.ts): whoever
 * holds the USB cable cannot set a key of their own and mint credit (issue 11). The host makes
 * the MAC from its registry (solkit provision --force); without the old key, only a full erase
 * (solkit flash --erase, credit included) makes the device fresh again.
 * @throws SolkitError E_LENGTH unless it is 32 bytes of hex; E_PROVISIONED when a key is set and
 *   the MAC is missing or wrong; E_STORE
 */
export function setHostKey(core: Core, hex: string, macHex?: string): string {
  const key = typeof hex === "string" ? fromHex(hex) : undefined;
  if (key === undefined || key.length !== 32) {
    throw new SolkitError("E_LENGTH", `host key: expected 64 hex digits (32 bytes), got ${typeof hex === "string" ? hex.length : 0} characters`);
  }
  const old = core.identity.hmacKey;
  if (old.length === 32) {
    const mac = typeof macHex === "string" ? fromHex(macHex) : undefined;
    if (mac === undefined || !checkHostKeyChange(old, key, mac, core.hal.platform.sha256)) {
      core.stats.rejected++;
      throw new SolkitError("E_PROVISIONED", "a host key is set: a new one needs the old key's MAC (solkit provision --force makes it), or erase the device, credit included (solkit flash --erase)");
    }
  }
  saveIdentity(core, { seed: core.identity.seed, publicKey: core.identity.publicKey, hmacKey: key, site: core.identity.site });
  updateRelay(core);
  core.hal.console.log("host key set");
  return "ok";
}

/** Sets the site name (MQTT topic level). @throws SolkitError E_FIELD, E_STORE */
export function setSite(core: Core, site: string): string {
  checkSite(site);
  saveIdentity(core, { seed: core.identity.seed, publicKey: core.identity.publicKey, hmacKey: core.identity.hmacKey, site: site });
  return "ok";
}

function checkRange(what: string, v: number, lo: number, hi: number): void {
  if (typeof v !== "number" || Math.floor(v) !== v || v < lo || v > hi) {
    throw new SolkitError("E_RANGE", `${what}: expected an integer in ${lo}..${hi}, got ${v}`);
  }
}

/**
 * Sets interval, signEvery and (optionally) the credit warning, with PROTOCOL.md 4.1's ranges.
 * @throws SolkitError E_RANGE, E_STORE
 */
export function setConfig(core: Core, intervalS: number, signEvery: number, creditWarnS?: number): string {
  checkRange("intervalS", intervalS, 1, 86400);
  checkRange("signEvery", signEvery, 1, 65535);
  if (creditWarnS !== undefined) checkRange("creditWarnS", creditWarnS, 0, 4294967295);
  const s = copyState(core.state);
  s.intervalS = intervalS;
  s.signEvery = signEvery;
  if (creditWarnS !== undefined) s.creditWarnS = creditWarnS;
  if (!saveState(core, s)) throw new SolkitError("E_STORE", "config not saved: the store is full");
  return "ok";
}
