/**
 * The filesystem of a simulated Pi: the subset of node:fs the Node target's store uses
 * (firmware/targets/node/store.ts), in memory, with a power cut that lets exactly `n` more
 * bytes reach the card and then fails every write until the board is powered on again. A
 * capacity makes a full card (statfs) possible: the scenario's "storage full" fault.
 */

function errno(code: string, what: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: ${what}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

export class MemFs {
  private readonly files = new Map<string, Uint8Array>();
  private readonly dirs = new Set<string>(["/"]);
  private readonly fds = new Map<number, { path: string; dir: boolean }>();
  private nextFd = 3;
  private budget = Infinity;
  private onCut: (() => void) | undefined = undefined;
  /** True between a cut and the next power-on: nothing reaches the card. */
  dead = false;
  /** What reached the card: bytes written, fsyncs (each at least one page program), files replaced by rename. */
  readonly stats = { bytes: 0, fsyncs: 0, renames: 0 };

  constructor(readonly capacity: number) {}

  /** The power fails once `n` more bytes are written; `onCut` is the board going dark. */
  cutAfterBytes(n: number, onCut: () => void): void {
    this.budget = n;
    this.onCut = onCut;
  }

  /** Power back: writes reach the card again, no cut armed. */
  powerOn(): void {
    this.dead = false;
    this.budget = Infinity;
  }

  /** Bytes held by every file (what statfs counts as used). */
  used(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.length;
    return n;
  }

  /** A file put there by something other than the device program (the storage-full fault). */
  putForeign(path: string, size: number): void {
    this.files.set(path, new Uint8Array(size));
  }

  removeForeign(path: string): void {
    this.files.delete(path);
  }

  private parent(p: string): string {
    return p.slice(0, Math.max(1, p.lastIndexOf("/")));
  }

  mkdirSync(p: string): void {
    for (let d = p; d !== "/" && d !== ""; d = this.parent(d)) this.dirs.add(d);
  }

  readdirSync(dir: string): string[] {
    const out: string[] = [];
    for (const p of this.files.keys()) if (this.parent(p) === dir) out.push(p.slice(dir.length + 1));
    return out;
  }

  statSync(p: string): { size: number } {
    const f = this.files.get(p);
    if (f === undefined) throw errno("ENOENT", p);
    return { size: f.length };
  }

  statfsSync(): { bavail: number; bsize: number } {
    return { bavail: Math.max(0, this.capacity - this.used()), bsize: 1 };
  }

  readFileSync(p: string): Buffer {
    const f = this.files.get(p);
    if (f === undefined) throw errno("ENOENT", p);
    return Buffer.from(f);
  }

  openSync(p: string, flags: string): number {
    if (this.dirs.has(p)) {
      this.fds.set(this.nextFd, { path: p, dir: true });
      return this.nextFd++;
    }
    if (flags === "w") {
      if (this.dead) throw errno("EIO", p);
      if (!this.dirs.has(this.parent(p))) throw errno("ENOENT", p);
      this.files.set(p, new Uint8Array(0));
    } else if (!this.files.has(p)) throw errno("ENOENT", p);
    this.fds.set(this.nextFd, { path: p, dir: false });
    return this.nextFd++;
  }

  closeSync(fd: number): void {
    this.fds.delete(fd);
  }

  fsyncSync(fd: number): void {
    if (!this.fds.has(fd)) throw errno("EBADF", String(fd));
    if (this.dead) throw errno("EIO", "fsync");
    this.stats.fsyncs++;
  }

  writeSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number {
    const h = this.fds.get(fd);
    if (h === undefined || h.dir) throw errno("EBADF", String(fd));
    if (this.dead) throw errno("EIO", h.path);
    if (len > 0 && this.used() + Math.max(0, pos + len - this.files.get(h.path)!.length) > this.capacity) throw errno("ENOSPC", h.path);
    const n = Math.min(len, this.budget);
    let f = this.files.get(h.path)!;
    if (pos + n > f.length) {
      const g = new Uint8Array(pos + n);
      g.set(f);
      f = g;
      this.files.set(h.path, f);
    }
    f.set(buf.subarray(off, off + n), pos);
    this.budget -= n;
    this.stats.bytes += n;
    if (n < len) {
      this.dead = true;
      this.budget = Infinity;
      const cut = this.onCut;
      this.onCut = undefined;
      if (cut !== undefined) cut();
      throw errno("EIO", `${h.path}: power cut`);
    }
    return n;
  }

  renameSync(a: string, b: string): void {
    if (this.dead) throw errno("EIO", a);
    const f = this.files.get(a);
    if (f === undefined) throw errno("ENOENT", a);
    this.files.set(b, f);
    this.files.delete(a);
    this.stats.renames++;
  }

  unlinkSync(p: string): void {
    if (this.dead) throw errno("EIO", p);
    if (!this.files.delete(p)) throw errno("ENOENT", p);
  }
}
