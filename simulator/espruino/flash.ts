/**
 * An emulated NOR flash chip, the only state of a board that survives a power cycle.
 *
 * NOR flash semantics (e.g. ESP32's SPI flash, STM32F4 internal flash, RM0383 §3.5): an erased
 * byte reads 0xff; programming can only clear bits (1 → 0), so programming over a byte that is
 * not erased ANDs the old and new values; only a whole page erase sets bits back to 1. Every
 * programmed byte and every page erase is counted (wear accounting).
 *
 * Power cuts: `cutAfterBytes(n)` arms a cut that fires when the (n+1)-th byte would be
 * programmed: the first n bytes stay, the rest is lost, and the owner is told (the board powers
 * off). Page erases are atomic here (a cut never leaves a half-erased page); that is a
 * simplification: on real chips an interrupted erase leaves the page undefined.
 *
 * Kept inverted (a stored 0 is an erased 0xff), page by page, a page allocated only when first
 * programmed and dropped when erased: an erased page holds no memory (a fleet board once filled
 * its whole Storage with 0xff at start: 256 KiB each, 1 % of a 1000-board fleet's time).
 */
import { hash } from "node:crypto";

/**
 * Pages many chips of this process hold alike — a fleet's boards flashed with one bundle and its
 * table, ~80 KiB each — kept once (shareIdenticalPages): content hash → the page, weakly, so a
 * page no chip holds any more goes.
 */
const sharedPages = new Map<string, WeakRef<Uint8Array>>();
const forget = new FinalizationRegistry<string>((key) => {
  if (sharedPages.get(key)?.deref() === undefined) sharedPages.delete(key);
});

/** Thrown out of `program` when an armed power cut fires: the code that was writing must stop. */
export class PowerCutError extends Error {
  constructor() {
    super("power cut");
    this.name = "PowerCutError";
  }
}

export interface FlashStats {
  /** Bytes programmed since the flash was made (power cycles included). */
  bytesProgrammed: number;
  /** Page erases since the flash was made, all pages together. */
  pageErases: number;
  /** The largest erase count of any one page (the wear hot spot). */
  maxPageErases: number;
}

export class Flash {
  readonly size: number;
  readonly pageBytes: number;
  /** The content per page, each byte inverted (0 = erased); undefined: an erased page. */
  private readonly pages: (Uint8Array | undefined)[];
  /** 1 where the page is shared with other chips: copied before it is programmed. */
  private readonly shared: Uint8Array;
  /** Erase count per page. */
  readonly erasesPerPage: Uint32Array;
  private programmed = 0;
  private cutBudget = -1;
  /** False while the board is off: programming is then refused (nothing reaches the chip). */
  powered = true;
  /** Called once when an armed cut fires, before PowerCutError is thrown. */
  onPowerCut: (() => void) | undefined;

  /**
   * @throws RangeError when the size is not a positive multiple of the page size
   */
  constructor(size: number, pageBytes: number) {
    if (!(pageBytes > 0) || !(size > 0) || size % pageBytes !== 0) {
      throw new RangeError(`flash of ${size} bytes is not a whole number of ${pageBytes}-byte pages`);
    }
    this.size = size;
    this.pageBytes = pageBytes;
    this.pages = new Array(size / pageBytes).fill(undefined);
    this.shared = new Uint8Array(size / pageBytes);
    this.erasesPerPage = new Uint32Array(size / pageBytes);
  }

  /** Memory the content takes of its own: pages programmed since their last erase and not in the process's shared pool. */
  get heldBytes(): number {
    let bytes = 0;
    for (let n = 0; n < this.pages.length; n++) if (this.pages[n] !== undefined && this.shared[n] === 0) bytes += this.pageBytes;
    return bytes;
  }

  /** Arms a power cut: the next `n` programmed bytes land, the one after does not. */
  cutAfterBytes(n: number): void {
    this.cutBudget = Math.max(0, Math.floor(n));
  }

  /** Disarms a pending cut. */
  cancelCut(): void {
    this.cutBudget = -1;
  }

  /** True while a cut is armed and has not fired yet. */
  get cutArmed(): boolean {
    return this.cutBudget >= 0;
  }

  /**
   * Programs `data` at `addr`, byte by byte in address order (bits only go 1 → 0).
   * @throws PowerCutError when an armed cut fires or the board is off
   * @throws RangeError when the range is outside the chip
   */
  program(addr: number, data: Uint8Array): void {
    if (addr < 0 || addr + data.length > this.size) throw new RangeError(`flash write at ${addr}+${data.length} is outside ${this.size} bytes`);
    if (!this.powered) throw new PowerCutError();
    let page: Uint8Array | undefined;
    for (let i = 0; i < data.length; i++) {
      if (this.cutBudget === 0) {
        this.cutBudget = -1;
        this.powered = false;
        if (this.onPowerCut) this.onPowerCut();
        throw new PowerCutError();
      }
      if (this.cutBudget > 0) this.cutBudget--;
      const at = (addr + i) % this.pageBytes;
      if (page === undefined || at === 0) page = this.writablePage(addr + i);
      page[at] |= ~data[i] & 0xff; // programming clears bits: sets them inverted
      this.programmed++;
    }
  }

  private writablePage(addr: number): Uint8Array {
    const n = Math.floor(addr / this.pageBytes);
    let page = this.pages[n];
    if (page === undefined) page = this.pages[n] = new Uint8Array(this.pageBytes);
    else if (this.shared[n] === 1) {
      page = this.pages[n] = page.slice();
      this.shared[n] = 0;
    }
    return page;
  }

  /**
   * Keeps each programmed page once per process: a page whose bytes another chip already shares
   * becomes that very page, the others are offered for sharing. Either way the page is copied
   * before it is next programmed, so no chip ever sees another's writes. Nothing a program can
   * observe changes; only the memory a fleet takes.
   */
  shareIdenticalPages(): void {
    for (let n = 0; n < this.pages.length; n++) {
      const page = this.pages[n];
      if (page === undefined || this.shared[n] === 1) continue;
      const key = hash("sha256", page, "base64");
      const known = sharedPages.get(key)?.deref();
      if (known !== undefined && known.length === page.length && Buffer.compare(known, page) === 0) {
        this.pages[n] = known;
      } else if (known === undefined) {
        sharedPages.set(key, new WeakRef(page));
        forget.register(page, key);
      } else continue; // a hash collision: keep our own
      this.shared[n] = 1;
    }
  }

  /**
   * Erases the page containing `addr` (all bytes back to 0xff).
   * @throws PowerCutError when the board is off
   */
  erasePage(addr: number): void {
    if (!this.powered) throw new PowerCutError();
    const page = Math.floor(addr / this.pageBytes);
    this.pages[page] = undefined;
    this.shared[page] = 0;
    this.erasesPerPage[page]++;
  }

  /** True when every byte of [addr, addr+len) reads 0xff. */
  isErased(addr: number, len: number): boolean {
    for (let i = addr; i < addr + len; ) {
      const page = this.pages[Math.floor(i / this.pageBytes)];
      const at = i % this.pageBytes;
      const end = Math.min(this.pageBytes, at + (addr + len - i));
      if (page !== undefined) for (let k = at; k < end; k++) if (page[k] !== 0) return false;
      i += end - at;
    }
    return true;
  }

  /** The byte at `addr`. */
  byteAt(addr: number): number {
    const page = this.pages[Math.floor(addr / this.pageBytes)];
    return page === undefined ? 0xff : page[addr % this.pageBytes] ^ 0xff;
  }

  /** A copy of `len` bytes at `addr` (clipped to the chip, as a slice would be). */
  read(addr: number, len: number): Uint8Array {
    const from = Math.max(0, Math.min(addr, this.size));
    const out = new Uint8Array(Math.max(0, Math.min(addr + len, this.size) - from)).fill(0xff);
    for (let o = 0; o < out.length; ) {
      const a = from + o;
      const page = this.pages[Math.floor(a / this.pageBytes)];
      const at = a % this.pageBytes;
      const n = Math.min(this.pageBytes - at, out.length - o);
      if (page !== undefined) for (let k = 0; k < n; k++) out[o + k] = page[at + k] ^ 0xff;
      o += n;
    }
    return out;
  }

  /** A copy of the whole chip (a saved board state). */
  image(): Uint8Array {
    return this.read(0, this.size);
  }

  /**
   * Puts a saved image back (a board state read from disk); wear counts stay.
   * @throws RangeError when it is not this chip's size
   */
  restore(image: Uint8Array): void {
    if (image.length !== this.size) throw new RangeError(`flash image of ${image.length} bytes for a chip of ${this.size}`);
    for (let n = 0; n < this.pages.length; n++) {
      let page: Uint8Array | undefined;
      for (let k = 0; k < this.pageBytes; k++) {
        const v = image[n * this.pageBytes + k] ^ 0xff;
        if (v !== 0 && page === undefined) page = new Uint8Array(this.pageBytes);
        if (page !== undefined) page[k] = v;
      }
      this.pages[n] = page;
      this.shared[n] = 0;
    }
  }

  stats(): FlashStats {
    let total = 0;
    let max = 0;
    for (let i = 0; i < this.erasesPerPage.length; i++) {
      total += this.erasesPerPage[i];
      if (this.erasesPerPage[i] > max) max = this.erasesPerPage[i];
    }
    return { bytesProgrammed: this.programmed, pageErases: total, maxPageErases: max };
  }

  /** A copy of this chip (content and wear), e.g. to replay one write with a cut at every byte. */
  clone(): Flash {
    const f = new Flash(this.size, this.pageBytes);
    for (let n = 0; n < this.pages.length; n++) f.pages[n] = this.pages[n]?.slice();
    f.erasesPerPage.set(this.erasesPerPage);
    f.programmed = this.programmed;
    return f;
  }
}
