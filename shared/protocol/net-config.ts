/**
 * A Wi-Fi board's network settings and their limits, checked where they are typed
 * (`solkit provision --wifi`, before the port opens) and again where they are kept (the
 * NodeMCU program's `solkit.setNet`): one rule for both, so the host never accepts what the
 * device would refuse.
 *
 * Portable code: see docs/portability.md.
 */
import { SolkitError } from "../errors";

export interface NetConfig {
  ssid: string;
  password: string;
  host: string;
  port: number;
  /**
   * MQTT over TLS to the broker, its certificate checked against the CA the device keeps
   * (`solkit provision --broker-ca`): the readings (when someone is home) and the device's
   * broker password stay off the air. Never a fallback to plain MQTT when the CA is missing.
   */
  tls?: boolean;
}

/** 802.11's limits: an SSID of 1..32 bytes, a WPA2 passphrase of at most 63 (or none: an open network). */
export const MAX_SSID = 32;
export const MAX_PASSWORD = 63;
/** The broker's host name or address, as the device reaches it. */
export const MAX_HOST = 64;

/** Throws unless `s` is `min`..`max` printable ASCII characters (no line end can split a console line). */
function checkText(what: string, s: string, min: number, max: number): void {
  if (typeof s !== "string" || s.length < min || s.length > max) throw new SolkitError("E_FIELD", `${what}: expected ${min}..${max} characters`);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126) throw new SolkitError("E_FIELD", `${what}: character ${i + 1} is not printable ASCII`);
  }
}

/** @throws SolkitError E_FIELD naming the bad setting */
export function checkNetConfig(n: NetConfig): void {
  checkText("wifi ssid", n.ssid, 1, MAX_SSID);
  checkText("wifi password", n.password, 0, MAX_PASSWORD);
  checkText("broker host", n.host, 1, MAX_HOST);
  if (typeof n.port !== "number" || Math.floor(n.port) !== n.port || n.port < 1 || n.port > 65535) throw new SolkitError("E_FIELD", "broker port: expected 1..65535");
}

/** A broker's CA certificate in PEM, as the device keeps it: one certificate, at most this long. */
export const MAX_CA = 4096;
export const PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
const PEM_END = "-----END CERTIFICATE-----";

/**
 * The CA a device checks its broker's certificate with: PEM text of ASCII lines, one
 * certificate (what NodeMCU's `ca_cert` takes). Checked by the host before it is typed and by
 * the device before it keeps it.
 * @throws SolkitError E_FIELD
 */
export function checkBrokerCa(pem: string): void {
  if (typeof pem !== "string" || pem.length > MAX_CA) throw new SolkitError("E_FIELD", `broker CA: expected at most ${MAX_CA} characters of PEM`);
  if (pem.indexOf(PEM_BEGIN) !== 0 || pem.indexOf(PEM_END) < 0) throw new SolkitError("E_FIELD", `broker CA: expected a PEM certificate ("${PEM_BEGIN}" … "${PEM_END}")`);
  for (let i = 0; i < pem.length; i++) {
    const c = pem.charCodeAt(i);
    if (c !== 10 && (c < 32 || c > 126)) throw new SolkitError("E_FIELD", `broker CA: character ${i + 1} is neither printable ASCII nor a line end`);
  }
}
