/**
 * A site's own certificate authority and the embedded broker's certificate, for MQTT over TLS
 * between Wi-Fi devices and the gateway (`solkit host tls`; docs/host-config.md). Made with
 * the machine's openssl (Node can check certificates but not issue them): P-256 keys, which
 * the ESP32's mbedTLS handshakes quickly.
 *
 * The CA is made once and kept: a broker certificate for a new address is signed by the same
 * CA, so the devices, which keep the CA, need no new provisioning. Keys are 0600 in a 0700
 * folder: the CA key lets whoever holds it stand in for the broker (and learn when homes are
 * empty), though never give credit (tokens need each device's host key).
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { SolkitError } from "../../shared/errors";

export interface BrokerCertificates {
  /** The CA certificate: what `solkit provision --broker-ca` gives the devices. */
  ca: string;
  /** The CA's key (0600). */
  caKey: string;
  /** The broker's certificate and key: `devices.embedded.tls`'s cert and key. */
  cert: string;
  key: string;
  /** Whether the CA was made now (false: an existing CA signed the new broker certificate). */
  newCa: boolean;
  /** The names the broker's certificate holds. */
  hosts: string[];
}

export interface CertificateOptions {
  /** Addresses and names the devices reach the broker by (each goes into the certificate). */
  hosts: string[];
  dir: string;
  /** The broker certificate's lifetime (default 825 days; the CA's is ten years). */
  days?: number;
  /** The CA's common name. */
  caName?: string;
}

const CA_DAYS = 3650;
const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

/** @throws SolkitError E_FIELD unless `h` is an IP address or a DNS name */
function checkHost(h: string): void {
  if (isIP(h) !== 0) return;
  if (!/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(h)) {
    throw new SolkitError("E_FIELD", `--host "${h.slice(0, 60)}": expected the broker's IP address or DNS name as the devices reach it, e.g. 192.168.1.10`);
  }
}

function openssl(args: string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === "ENOENT") throw new SolkitError("E_SETUP", "openssl is not installed: it makes the certificates (Debian: apt-get install openssl)");
    throw new SolkitError("E_SETUP", `openssl ${args[0]} failed: ${String(err.stderr ?? err.message).trim().split("\n")[0]}`);
  }
}

/**
 * Makes (or keeps) the CA in `dir` and a new broker certificate for `hosts` signed by it.
 * @throws SolkitError E_FIELD for a bad host or days, E_SETUP without openssl or when it fails
 */
export function makeBrokerCertificates(o: CertificateOptions): BrokerCertificates {
  if (o.hosts.length === 0) throw new SolkitError("E_FIELD", "--host: give at least one address or name the devices reach the broker by");
  o.hosts.forEach(checkHost);
  const days = o.days ?? 825;
  if (!Number.isInteger(days) || days < 1 || days > CA_DAYS) throw new SolkitError("E_FIELD", `--days: expected 1..${CA_DAYS}, got ${o.days}`);
  const dir = resolve(o.dir); // absolute: the paths printed go into a config file elsewhere
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const f = (n: string) => join(dir, n);
  const newCa = !existsSync(f("ca.pem")) || !existsSync(f("ca.key"));
  if (newCa) {
    openssl(["req", "-x509", ...EC, "-keyout", f("ca.key.new"), "-out", f("ca.pem.new"), "-days", String(CA_DAYS), "-subj", `/CN=${o.caName ?? "solkit site CA"}`,
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    chmodSync(f("ca.key.new"), 0o600);
    renameSync(f("ca.key.new"), f("ca.key"));
    renameSync(f("ca.pem.new"), f("ca.pem"));
  }
  const san = o.hosts.map((h) => (isIP(h) !== 0 ? `IP:${h}` : `DNS:${h}`)).join(",");
  writeFileSync(f("broker.ext"), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
  try {
    openssl(["req", ...EC, "-keyout", f("broker.key.new"), "-out", f("broker.csr"), "-subj", `/CN=${o.hosts[0]}`]);
    chmodSync(f("broker.key.new"), 0o600);
    openssl(["x509", "-req", "-in", f("broker.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-set_serial", `0x${Date.now().toString(16)}`,
      "-out", f("broker.pem.new"), "-days", String(days), "-extfile", f("broker.ext")]);
  } finally {
    rmSync(f("broker.csr"), { force: true });
    rmSync(f("broker.ext"), { force: true });
  }
  // Checked before it replaces anything: a certificate the CA did not sign would lock every device out.
  const ca = new X509Certificate(readFileSync(f("ca.pem")));
  if (!new X509Certificate(readFileSync(f("broker.pem.new"))).checkIssued(ca)) throw new SolkitError("E_SETUP", "openssl made a broker certificate the CA did not sign");
  renameSync(f("broker.key.new"), f("broker.key"));
  renameSync(f("broker.pem.new"), f("broker.pem"));
  return { ca: f("ca.pem"), caKey: f("ca.key"), cert: f("broker.pem"), key: f("broker.key"), newCa, hosts: o.hosts };
}
