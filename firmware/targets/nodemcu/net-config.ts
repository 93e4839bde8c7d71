/**
 * Where a NodeMCU board on Wi-Fi sends its readings: the network (SSID, passphrase) and the
 * gateway's broker (host, port). Set over the console while it is open (`solkit.setNet`, what
 * `solkit provision --wifi` types), so whoever holds a locked device's cable cannot point it
 * elsewhere — and a broker of their own would gain nothing anyway: readings are signed and the
 * acks and tokens that come back are MAC'd with the host key. Kept in a journal (persist.ts),
 * so a power cut during a change leaves the old settings or the new ones, never neither.
 * With TLS the broker's CA is a file of its own (BrokerCaFile), written before the journal.
 *
 * Portable code: see docs/portability.md.
 */
import { concat, equalBytes, readU16, slice, writeU16 } from "../../../shared/bytes";
import type { HashFn } from "../../../shared/crypto/types";
import { checkBrokerCa, checkNetConfig, MAX_HOST, MAX_PASSWORD, MAX_SSID, type NetConfig } from "../../../shared/protocol/net-config";
import type { Store } from "../../hal";
import { Journal } from "../../persist";

export type { NetConfig };

/** The journal record: flags and lengths, then each text in a field of its longest. */
const TLS_AT = 6;
const PASSWORD_FIELD = MAX_PASSWORD + 1;
const SSID_AT = 8;
const PASSWORD_AT = SSID_AT + MAX_SSID;
const HOST_AT = PASSWORD_AT + PASSWORD_FIELD;
const NET_LENGTH = HOST_AT + MAX_HOST;

function putText(b: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) b[at + i] = s.charCodeAt(i);
}

function getText(b: Uint8Array, at: number, n: number, max: number): string {
  let s = "";
  const len = n > max ? 0 : n;
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[at + i]);
  return s;
}

/** The network settings journal: files `sk.nt0`, `sk.nt1`. */
export class NetStore {
  private readonly journal: Journal;
  /** What the journal holds: read once at boot, then kept with each save (only this writes it). */
  private current: NetConfig | undefined;

  constructor(store: Store) {
    this.journal = new Journal(store, "sk.nt", NET_LENGTH, 2);
    const b = this.journal.load();
    this.current = b === undefined || b[0] !== 1 ? undefined : { ssid: getText(b, SSID_AT, b[1], MAX_SSID), password: getText(b, PASSWORD_AT, b[2], PASSWORD_FIELD), host: getText(b, HOST_AT, b[3], MAX_HOST), port: readU16(b, 4), tls: b[TLS_AT] === 1 };
  }

  /** The saved settings, or undefined: the board then sends its readings on the serial line. */
  load(): NetConfig | undefined {
    return this.current;
  }

  /**
   * Saves `n`, or with undefined goes back to the serial line. False when the store is full.
   * @throws SolkitError E_FIELD (shared/protocol/net-config.ts checkNetConfig)
   */
  save(n: NetConfig | undefined): boolean {
    const b = new Uint8Array(NET_LENGTH);
    if (n !== undefined) {
      checkNetConfig(n);
      b[0] = 1;
      b[1] = n.ssid.length;
      b[2] = n.password.length;
      b[3] = n.host.length;
      writeU16(b, 4, n.port);
      b[TLS_AT] = n.tls === true ? 1 : 0;
      putText(b, SSID_AT, n.ssid);
      putText(b, PASSWORD_AT, n.password);
      putText(b, HOST_AT, n.host);
    }
    if (!this.journal.save(b)) return false;
    this.current = n;
    return true;
  }
}

/** The broker's CA: PEM text, then its SHA-256 (a cut mid-write leaves a file that fails the check). */
const CA_FILE = "sk.ca";
const HASH_LENGTH = 32;

/** The CA certificate the device checks its broker with (file `sk.ca`). */
export class BrokerCaFile {
  constructor(private readonly store: Store, private readonly hash: HashFn) {}

  /**
   * Keeps `pem`. False when the store is full.
   * @throws SolkitError E_FIELD (shared/protocol/net-config.ts checkBrokerCa)
   */
  save(pem: string): boolean {
    checkBrokerCa(pem);
    const text = solkit_string_to_bytes(pem);
    return this.store.write(CA_FILE, concat([text, this.hash(text)]));
  }

  /** The kept CA, or undefined when there is none or the file is damaged. */
  load(): string | undefined {
    const b = this.store.read(CA_FILE);
    if (b === undefined || b.length <= HASH_LENGTH) return undefined;
    const text = slice(b, 0, b.length - HASH_LENGTH);
    if (!equalBytes(this.hash(text), slice(b, b.length - HASH_LENGTH, b.length))) return undefined;
    return solkit_bytes_to_string(text); // natively: a loop of concatenations makes ~1 MB of garbage in Lua
  }
}
