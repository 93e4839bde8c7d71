/**
 * Downlink tokens made by the host (PROTOCOL.md 4): the next counter of a device is committed
 * to the registry *before* the token's bytes leave this module, so a crash between making and
 * sending never lets two tokens share a counter (the device takes each counter once: a reused
 * one is E_REPLAY, a lost one is only skipped). Used by the maintenance path (flash, provision,
 * `solkit console open`) and by whatever sends credit.
 */
import type { Db } from "./store-sqlite";
import { SolkitError } from "../../shared/errors";
import { encodeDownlinkLine, encodeFrame } from "../../shared/protocol/frame";
import { encodeToken, type ConfigEntry } from "../../shared/protocol/token";
import { Registry } from "./registry";

export interface IssuedToken {
  counter: number;
  /** The 92 token bytes. */
  bytes: Uint8Array;
  /** The line to write on the device's serial console. */
  line: string;
}

export class TokenIssuer {
  private readonly registry: Registry;

  constructor(private readonly db: Db) {
    this.registry = new Registry(db);
  }

  /** The last counter used for `id` (0: none yet). */
  lastCounter(id: string): number {
    const row = this.db.prepare("SELECT token_counter AS c FROM devices WHERE id = ?").get(id) as { c: number } | undefined;
    return row === undefined ? 0 : row.c;
  }

  /** Raises the stored counter of `id` to at least `counter` (a device reported a higher one). */
  atLeast(id: string, counter: number): void {
    this.db.prepare("UPDATE devices SET token_counter = MAX(token_counter, ?) WHERE id = ?").run(counter, id);
  }

  /**
   * Makes the next token for `id`, counter committed first.
   * @throws SolkitError E_UNKNOWN_DEVICE when `id` is not in the registry; the token codec's E_RANGE/E_FIELD
   */
  issue(id: string, tokenKind: number, amount: number, config: ConfigEntry[] = []): IssuedToken {
    const make = this.db.transaction((): IssuedToken => {
      const rec = this.registry.get(id);
      if (rec === undefined) throw new SolkitError("E_UNKNOWN_DEVICE", `${id} is not in this registry: provision it or add it with solkit host add-device`);
      const counter = this.lastCounter(id) + 1;
      const bytes = encodeToken({ tokenKind, deviceId: rec.publicKey, counter, amount, config }, rec.hmacKey);
      rec.hmacKey.fill(0);
      this.db.prepare("UPDATE devices SET token_counter = ? WHERE id = ?").run(counter, id);
      return { counter, bytes, line: encodeDownlinkLine(encodeFrame(bytes), rec.repl) };
    });
    return make.immediate();
  }
}
