/**
 * Espruino's Storage file system over an emulated flash, byte for byte as the interpreter
 * lays it out (src/jsflash.c of Espruino 2v2x, read for this emulation):
 *
 * - Files follow each other from address 0. Each has a 32-byte header — a 32-bit little-endian
 *   word (size in the low 24 bits, flags in the top 8) and a 28-byte zero-padded name — and
 *   its data, padded to JSF_ALIGNMENT (4 bytes). Files are NOT aligned to pages (issue 2232).
 * - Erasing a file only zeroes the first 4 bytes of its name in place: the space stays used
 *   ("trash") until compaction. A rewrite therefore allocates new space at the end (it is a
 *   log) — except when the new content has the same size and the old area is still erased
 *   (then it is written in place), or is byte-equal (then nothing is written at all).
 * - `write(name, data, offset>0)` writes inside an existing file, and only over erased
 *   (0xff) bytes; otherwise it throws "File already written with different data".
 * - When there is no room, the store compacts itself once (live files copied to the start,
 *   pages erased) and tries again; when that fails too, it throws "Unable to find or create
 *   file". Espruino raises these as JS exceptions (jsExceptionHere), so `write` throws on the
 *   board rather than returning false.
 *
 * Simplification: free space is always counted to the end of the flash (jsflash.c looks at
 * whether the next page starts with a header, which only matters for files that were aligned
 * to pages by older firmware).
 */
import { Flash } from "./flash";

export const HEADER_BYTES = 32;
export const NAME_BYTES = 28;
export const ALIGNMENT = 4;
const WORD_UNSET = 0xffffffff;

/** An error Espruino would raise as a JS `Error` with this message. */
export class StorageError extends Error {}

interface FileEntry {
  /** Address of the header. */
  addr: number;
  size: number;
  flags: number;
  /** The 28 raw name bytes. */
  name: Uint8Array;
  deleted: boolean;
}

export interface StorageStats {
  totalBytes: number;
  freeBytes: number;
  fileBytes: number;
  fileCount: number;
  trashBytes: number;
  trashCount: number;
}

const align = (n: number) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

/** Espruino's jsfNameFromVar: the first 28 bytes of the name, zero-padded. */
export function nameBytes(name: string): Uint8Array {
  const out = new Uint8Array(NAME_BYTES);
  for (let i = 0; i < NAME_BYTES && i < name.length; i++) out[i] = name.charCodeAt(i) & 0xff;
  return out;
}

function nameString(raw: Uint8Array): string {
  let s = "";
  for (let i = 0; i < raw.length && raw[i] !== 0; i++) s += String.fromCharCode(raw[i]);
  return s;
}

function sameName(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < NAME_BYTES; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class FlashStorage {
  readonly flash: Flash;
  /** Storage.write/writeJSON calls per file name (accounting). */
  readonly writesPerFile: { [name: string]: number } = Object.create(null);
  /** Compactions run (explicit and automatic). */
  compactions = 0;

  constructor(flash: Flash) {
    this.flash = flash;
  }

  private word(addr: number): number {
    const f = this.flash;
    return (f.byteAt(addr) | (f.byteAt(addr + 1) << 8) | (f.byteAt(addr + 2) << 16) | (f.byteAt(addr + 3) << 24)) >>> 0;
  }

  /** jsfGetFileHeader: a header is valid when its size word is set and the file fits. */
  private headerAt(addr: number): FileEntry | undefined {
    if (addr + HEADER_BYTES > this.flash.size) return undefined;
    const w = this.word(addr);
    const size = w & 0xffffff;
    if (w === WORD_UNSET || w === 0 || addr + HEADER_BYTES + size > this.flash.size) return undefined;
    const name = this.flash.read(addr + 4, NAME_BYTES);
    const deleted = name[0] === 0 && name[1] === 0 && name[2] === 0 && name[3] === 0;
    return { addr, size, flags: w >>> 24, name, deleted };
  }

  /** Every header in address order; `end` is where the next file would go. */
  private scan(): { files: FileEntry[]; end: number } {
    const files: FileEntry[] = [];
    let addr = 0;
    for (;;) {
      let h = this.headerAt(addr);
      if (!h) {
        // GNFH_GET_ALL: after a file, an empty slot may be followed by one on the next page.
        const nextPage = (Math.floor(addr / this.flash.pageBytes) + 1) * this.flash.pageBytes;
        h = files.length > 0 && nextPage < this.flash.size ? this.headerAt(nextPage) : undefined;
        if (!h) return { files, end: addr };
      }
      files.push(h);
      addr = align(h.addr + HEADER_BYTES + h.size);
    }
  }

  private find(name: string): FileEntry | undefined {
    const want = nameBytes(name);
    return this.scan().files.find((f) => !f.deleted && sameName(f.name, want));
  }

  private markDeleted(f: FileEntry): void {
    this.flash.program(f.addr + 4, new Uint8Array(4));
  }

  /** jsfCreateFile: header at the end of the log, compacting once when there is no room. */
  private create(name: string, size: number, flags: number): FileEntry | undefined {
    const need = align(size) + HEADER_BYTES;
    for (let attempt = 0; attempt < 2; attempt++) {
      const { end } = this.scan();
      if (end + need <= this.flash.size) {
        const header = new Uint8Array(HEADER_BYTES);
        const w = (size | (flags << 24)) >>> 0;
        header[0] = w & 0xff;
        header[1] = (w >>> 8) & 0xff;
        header[2] = (w >>> 16) & 0xff;
        header[3] = w >>> 24;
        header.set(nameBytes(name), 4);
        this.flash.program(end, header);
        return { addr: end, size, flags, name: nameBytes(name), deleted: false };
      }
      if (attempt === 0 && !this.compact()) return undefined;
    }
    return undefined;
  }

  /** The file's bytes (or a part), undefined when it does not exist. */
  read(name: string, offset = 0, length = 0): Uint8Array | undefined {
    const f = this.find(name);
    if (!f) return undefined;
    if (offset < 0) offset = 0;
    if (offset > f.size) offset = f.size;
    if (length <= 0 || offset + length > f.size) length = f.size - offset;
    return this.flash.read(f.addr + HEADER_BYTES + offset, length);
  }

  /**
   * jsfWriteFile. Returns false for a negative offset or size, true when written.
   * @throws StorageError with Espruino's message when the write is refused or the store is full
   * @throws PowerCutError when an armed power cut fires during the write
   */
  write(name: string, data: Uint8Array, offset = 0, size = 0): boolean {
    if (offset < 0 || size < 0) return false;
    if (size === 0) size = data.length;
    if (size === 0) throw new StorageError("Can't create zero length file");
    const key = nameString(nameBytes(name));
    this.writesPerFile[key] = (this.writesPerFile[key] ?? 0) + 1;
    let f = this.find(name);
    const dataAt = (e: FileEntry) => e.addr + HEADER_BYTES;
    if (offset === 0 && (!f || f.flags !== 0 || f.size !== size || !this.flash.isErased(dataAt(f), size))) {
      if (f && f.flags === 0 && f.size === size && data.length === size && this.equal(dataAt(f), data)) return true;
      if (f) this.markDeleted(f);
      f = this.create(name, size, 0);
    }
    if (!f) throw new StorageError("Unable to find or create file");
    if (offset + data.length > f.size) throw new StorageError("Too much data for file size");
    if (!this.flash.isErased(dataAt(f) + offset, data.length)) throw new StorageError("File already written with different data");
    this.flash.program(dataAt(f) + offset, data);
    return true;
  }

  private equal(addr: number, data: Uint8Array): boolean {
    for (let i = 0; i < data.length; i++) if (this.flash.byteAt(addr + i) !== data[i]) return false;
    return true;
  }

  /** Marks the file deleted; false when it did not exist. */
  erase(name: string): boolean {
    const f = this.find(name);
    if (!f) return false;
    this.markDeleted(f);
    return true;
  }

  /** Names of the live files, in flash order. */
  list(): string[] {
    return this.scan().files.filter((f) => !f.deleted).map((f) => nameString(f.name));
  }

  /** Erases every page that holds anything (Storage.eraseAll). */
  eraseAll(): void {
    for (let p = 0; p < this.flash.size; p += this.flash.pageBytes) {
      if (!this.flash.isErased(p, this.flash.pageBytes)) this.flash.erasePage(p);
    }
  }

  /**
   * Copies the live files to the start of the flash and erases the rest (jsfCompact). Real
   * Espruino streams through a one-page RAM buffer; either way a cut in the middle loses data.
   * @throws PowerCutError when an armed power cut fires while the files are copied back
   */
  compact(): boolean {
    const { files, end } = this.scan();
    if (!files.some((f) => f.deleted)) return true;
    this.compactions++;
    const live = files.filter((f) => !f.deleted).map((f) => this.flash.read(f.addr, HEADER_BYTES + align(f.size)));
    for (let p = 0; p < end; p += this.flash.pageBytes) {
      if (!this.flash.isErased(p, this.flash.pageBytes)) this.flash.erasePage(p);
    }
    let addr = 0;
    for (const bytes of live) {
      this.flash.program(addr, bytes);
      addr += bytes.length;
    }
    return true;
  }

  /** jsfGetStorageStats over the whole store. */
  stats(): StorageStats {
    const { files, end } = this.scan();
    const s: StorageStats = { totalBytes: this.flash.size, freeBytes: this.flash.size - end, fileBytes: 0, fileCount: 0, trashBytes: 0, trashCount: 0 };
    for (const f of files) {
      const bytes = align(f.size) + HEADER_BYTES;
      if (f.deleted) {
        s.trashBytes += bytes;
        s.trashCount++;
      } else {
        s.fileBytes += bytes;
        s.fileCount++;
      }
    }
    return s;
  }

  /** Storage.getFree: the largest file (header included) that fits without compaction. */
  getFree(): number {
    return this.stats().freeBytes;
  }
}
