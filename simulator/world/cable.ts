/**
 * The USB serial cable between a board's console and the host: bytes each way while plugged
 * in, nothing while pulled (the board's console drops its output then, as Espruino moves the
 * console away from a USB port with no host). Line noise on demand: each byte may be dropped
 * or have one bit flipped, with probabilities from the scenario and a seeded PRNG, so a noisy
 * run repeats exactly.
 */
import type { SimBoard } from "../scenario/sim-board";
import { prng } from "./sky";

export interface Noise {
  /** Probability that a byte has one bit flipped. */
  corrupt: number;
  /** Probability that a byte is lost. */
  drop: number;
}

export class SerialCable {
  private plugged = true;
  private noise: Noise = { corrupt: 0, drop: 0 };
  private fromBoard: string[] = [];
  private readonly rand: () => number;
  /** Bytes changed or lost by noise so far. */
  noisyBytes = 0;

  constructor(private readonly board: Pick<SimBoard, "onConsoleOutput" | "consoleConnected" | "consoleInput">, seed: number) {
    this.rand = prng(seed ^ 0xca61e);
    board.onConsoleOutput((text) => {
      if (this.plugged) this.fromBoard.push(this.garble(text));
    });
  }

  get isPlugged(): boolean {
    return this.plugged;
  }

  /** Pulls (false) or plugs (true) the cable. */
  plug(on: boolean): void {
    this.plugged = on;
    this.board.consoleConnected(on);
  }

  setNoise(n: Noise): void {
    this.noise = n;
  }

  /** What the board printed since the last call (as the host's port would read it). */
  take(): string {
    if (this.fromBoard.length === 0) return "";
    const s = this.fromBoard.join("");
    this.fromBoard = [];
    return s;
  }

  /** The host writes a line (latin1, 0x10 included) to the board. */
  write(text: string): void {
    if (this.plugged) this.board.consoleInput(this.garble(text));
  }

  private garble(text: string): string {
    const { corrupt, drop } = this.noise;
    if (corrupt <= 0 && drop <= 0) return text;
    let out = "";
    for (let i = 0; i < text.length; i++) {
      const r = this.rand();
      if (r < drop) {
        this.noisyBytes++;
        continue;
      }
      if (r < drop + corrupt) {
        this.noisyBytes++;
        out += String.fromCharCode((text.charCodeAt(i) ^ (1 << Math.floor(this.rand() * 7))) & 0xff);
        continue;
      }
      out += text[i];
    }
    return out;
  }
}
