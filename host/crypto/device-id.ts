/**
 * The G… id of a device's public key, remembered: the pipeline names the device of every frame
 * (and the verify thread's precheck again), and the portable StrKey encoder builds its 56
 * characters one at a time. A gateway hears a bounded set of devices; strangers' keys could
 * grow the table, so it is emptied when it reaches MAX_REMEMBERED.
 */
import { encodePublicKey } from "../../shared/crypto/strkey";

const MAX_REMEMBERED = 65_536;
const ids = new Map<string, string>();

export function deviceIdOf(publicKey: Uint8Array): string {
  const key = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString("latin1");
  let id = ids.get(key);
  if (id === undefined) {
    id = encodePublicKey(publicKey);
    if (ids.size >= MAX_REMEMBERED) ids.clear();
    ids.set(key, id);
  }
  return id;
}
