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
 * Kept inverted (a stored 0 is an erased 0xff): a new chip is then a zeroed buffer, whose pages
 * the OS maps only once written. A fleet board used to fill its whole Storage with 0xff at
 * start: 256 KiB of memory each, and 1 % of a 1000-board fleet's time.
 */

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
  /** The content, each byte inverted (0 = erased): read it through byteAt/read/image. */
  private readonly raw: Uint8Array;
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
    this.raw = new Uint8Array(size);
    this.erasesPerPage = new Uint32Array(size / pageBytes);
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
    for (let i = 0; i < data.length; i++) {
      if (this.cutBudget === 0) {
        this.cutBudget = -1;
        this.powered = false;
        if (this.onPowerCut) this.onPowerCut();
        throw new PowerCutError();
      }
      if (this.cutBudget > 0) this.cutBudget--;
      this.raw[addr + i] |= ~data[i] & 0xff; // programming clears bits: sets them inverted
      this.programmed++;
    }
  }

  /**
   * Erases the page containing `addr` (all bytes back to 0xff).
   * @throws PowerCutError when the board is off
   */
  erasePage(addr: number): void {
    if (!this.powered) throw new PowerCutError();
    const page = Math.floor(addr / this.pageBytes);
    this.raw.fill(0, page * this.pageBytes, (page + 1) * this.pageBytes);
    this.erasesPerPage[page]++;
  }

  /** True when every byte of [addr, addr+len) reads 0xff. */
  isErased(addr: number, len: number): boolean {
    for (let i = addr; i < addr + len; i++) if (this.raw[i] !== 0) return false;
    return true;
  }

  /** The byte at `addr`. */
  byteAt(addr: number): number {
    return this.raw[addr] ^ 0xff;
  }

  /** A copy of `len` bytes at `addr`. */
  read(addr: number, len: number): Uint8Array {
    const out = this.raw.slice(addr, addr + len);
    for (let i = 0; i < out.length; i++) out[i] ^= 0xff;
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
    for (let i = 0; i < image.length; i++) this.raw[i] = image[i] ^ 0xff;
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
    f.raw.set(this.raw);
    f.erasesPerPage.set(this.erasesPerPage);
    f.programmed = this.programmed;
    return f;
  }
}
