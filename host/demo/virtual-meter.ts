/**
 * A stand-in for a metering device, for `solkit demo`: a panel under a clear sky, an energy
 * register, hash-chained readings signed every `signEvery` with the portable incremental
 * signer, sent as serial-console lines. It uses the same shared/ codec and signer as the
 * firmware; the firmware proper (outbox, credit clock, HAL) is firmware/.
 */
import { encodeReading, readingHash, readingSigningInput, TIME_FROM_HOST } from "../../shared/protocol/reading";
import { encodeFrame, encodeUplinkLine } from "../../shared/protocol/frame";
import { publicKeyFromSeed, startSigning } from "../../shared/crypto/ed25519";

export interface MeterOptions {
  seed: Uint8Array;
  /** Peak panel power in W. */
  peakWatts: number;
  intervalS: number;
  signEvery: number;
  /** Unix seconds of the first reading. */
  startTime: number;
}

export interface MeterLine {
  /** What the device prints on its console: a log line or an @SK1: frame line. */
  text: string;
  /** Incremental-signer steps this reading cost (0 when unsigned). */
  signSteps: number;
}

/** Clear-sky power in mW at a time of day: a sine from 06:00 to 18:00. */
function panelMilliwatts(peakWatts: number, unixSeconds: number): number {
  const hour = (unixSeconds % 86400) / 3600;
  if (hour < 6 || hour > 18) return 0;
  return Math.round(peakWatts * 1000 * Math.sin((Math.PI * (hour - 6)) / 12));
}

/** Yields the console lines of `count` readings. */
export function* virtualMeter(opts: MeterOptions, count: number): Generator<MeterLine> {
  const deviceId = publicKeyFromSeed(opts.seed);
  let prev: Uint8Array = new Uint8Array(32);
  let energyIn = 0;
  for (let seq = 0; seq < count; seq++) {
    const time = opts.startTime + (seq + 1) * opts.intervalS;
    const power = panelMilliwatts(opts.peakWatts, time - opts.intervalS / 2);
    energyIn += Math.round((power * opts.intervalS) / 3600);
    const bytes = encodeReading({
      flags: 0, timeQuality: TIME_FROM_HOST, relay: 1, outbox: 0, deviceId, seq, dropped: 0, time,
      uptime: (seq + 1) * opts.intervalS, boot: 1, interval: opts.intervalS, energyIn, energyOut: 0,
      power, credit: 7 * 86400 - (seq + 1) * opts.intervalS, prev,
    });
    prev = readingHash(bytes);
    const signNow = (seq + 1) % opts.signEvery === 0 || seq === count - 1;
    let signature: Uint8Array | undefined;
    let steps = 0;
    if (signNow) {
      const job = startSigning(opts.seed, readingSigningInput(bytes), { publicKey: deviceId });
      while (!job.step()) steps++;
      steps++;
      signature = job.signature();
      yield { text: `signed reading ${seq} in ${steps} steps`, signSteps: 0 };
    }
    yield { text: encodeUplinkLine(encodeFrame(bytes, signature)).replace(/\r?\n$/, ""), signSteps: steps };
  }
}
