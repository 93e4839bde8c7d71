/**
 * Secret keys of the ledger accounts this host signs for (the project's, a customer's on
 * autopay, a test issuer's): one JSON file, mode 0600, each secret encrypted with AES-256-GCM
 * under a key that scrypt derives from the passphrase in SOLKIT_KEYSTORE_PASSPHRASE (issue 12:
 * never in a URL, never logged, never on disk in clear). The public keys are in clear, so
 * `solkit ledger` can name accounts without the passphrase.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Keypair } from "@stellar/stellar-base";
import { SolkitError } from "../../shared/errors";

/** The environment variable that holds the passphrase. */
export const PASSPHRASE_ENV = "SOLKIT_KEYSTORE_PASSPHRASE";

interface Entry {
  public: string;
  iv: string;
  tag: string;
  secret: string;
}

interface KeystoreFile {
  version: 1;
  /** scrypt parameters and salt of the file's key. */
  kdf: { salt: string; N: number; r: number; p: number };
  keys: Record<string, Entry>;
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

export class Keystore {
  private data: KeystoreFile;
  private key: Buffer | undefined;

  /** Opens (or starts) the keystore in `file`; the passphrase is needed only to add or use a secret. */
  constructor(readonly file: string, private readonly passphrase: string | undefined = process.env[PASSPHRASE_ENV]) {
    if (existsSync(file)) {
      try {
        this.data = JSON.parse(readFileSync(file, "utf8")) as KeystoreFile;
      } catch (e) {
        throw new SolkitError("E_KEYSTORE", `${file} is not a solkit keystore (${(e as Error).message})`);
      }
      if (this.data.version !== 1 || typeof this.data.keys !== "object") throw new SolkitError("E_KEYSTORE", `${file} is not a solkit keystore (version ${String(this.data.version)})`);
    } else {
      this.data = { version: 1, kdf: { salt: randomBytes(16).toString("base64"), N: 1 << 15, r: 8, p: 1 }, keys: {} };
    }
  }

  private fileKey(): Buffer {
    if (this.key) return this.key;
    if (!this.passphrase) throw new SolkitError("E_KEYSTORE", `set ${PASSPHRASE_ENV} to the keystore's passphrase (${this.file}); secrets are never stored in clear`);
    const k = this.data.kdf;
    this.key = scryptSync(this.passphrase, Buffer.from(k.salt, "base64"), 32, { N: k.N, r: k.r, p: k.p, maxmem: 64 * 1024 * 1024 });
    return this.key;
  }

  /** Names and public keys, without the passphrase. */
  list(): { name: string; public: string }[] {
    return Object.entries(this.data.keys).map(([name, e]) => ({ name, public: e.public }));
  }

  publicOf(name: string): string | undefined {
    return this.data.keys[name]?.public;
  }

  /**
   * Stores `kp` under `name` (a-z, 0-9, -) and saves the file.
   * @throws SolkitError E_KEYSTORE for a bad or taken name, or no passphrase
   */
  add(name: string, kp: Keypair): void {
    if (!NAME.test(name)) throw new SolkitError("E_KEYSTORE", `account name "${name.slice(0, 40)}": use 1 to 32 of a-z 0-9 - (starting with a letter)`);
    if (this.data.keys[name]) throw new SolkitError("E_KEYSTORE", `${this.file} has an account "${name}" already (${this.data.keys[name].public})`);
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.fileKey(), iv);
    c.setAAD(Buffer.from(`${name}:${kp.publicKey()}`));
    const secret = Buffer.concat([c.update(kp.rawSecretKey()), c.final()]);
    this.data.keys[name] = { public: kp.publicKey(), iv: iv.toString("base64"), tag: c.getAuthTag().toString("base64"), secret: secret.toString("base64") };
    this.save();
  }

  /**
   * The key pair of `name`.
   * @throws SolkitError E_KEYSTORE when there is none, or the passphrase is wrong
   */
  keypair(name: string): Keypair {
    const e = this.data.keys[name];
    if (!e) throw new SolkitError("E_KEYSTORE", `no account "${name}" in ${this.file} (${this.list().map((x) => x.name).join(", ") || "it is empty"})`);
    try {
      const d = createDecipheriv("aes-256-gcm", this.fileKey(), Buffer.from(e.iv, "base64"));
      d.setAAD(Buffer.from(`${name}:${e.public}`));
      d.setAuthTag(Buffer.from(e.tag, "base64"));
      const raw = Buffer.concat([d.update(Buffer.from(e.secret, "base64")), d.final()]);
      return Keypair.fromRawEd25519Seed(raw);
    } catch (err) {
      if (err instanceof SolkitError) throw err;
      throw new SolkitError("E_KEYSTORE", `cannot open "${name}" in ${this.file}: wrong ${PASSPHRASE_ENV}, or the file was changed`);
    }
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2) + "\n", { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}
