/**
 * The sky over a simulated site: the sun's elevation from latitude, day of year and time of
 * day, clear-sky irradiance on a horizontal panel, and clouds from a seeded PRNG, so the same
 * seed gives the same weather. Plain textbook models, good enough to shape a day's energy:
 * - declination δ = 23.44° · sin(360° · (284 + n) / 365) (Cooper, 1969);
 * - sin(elevation) = sin φ sin δ + cos φ cos δ cos h, hour angle h = 15° per hour from noon
 *   (solar time; the site's longitude is taken as its time zone's meridian);
 * - clear-sky irradiance G = 1000 W/m² · sin(e) · 0.7^((1/sin e)^0.678 − 1) relative to noon at
 *   the equator (Meinel & Meinel's air-mass attenuation, normalised so that a panel's rated
 *   "peak watts" come out at 1000 W/m² with the sun overhead).
 * Clouds: a cloud cover c ∈ [0, 1] that drifts as a mean-reverting random walk towards the
 * scenario's `clouds` level every 10 minutes; irradiance is scaled by 1 − 0.75 c^3.4 (Kasten
 * & Czeplak, 1980).
 */

/** mulberry32: a small seeded PRNG (32-bit state), uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SkyOptions {
  /** Degrees north (negative: south). */
  latitude: number;
  /** Mean cloud cover 0 (clear) .. 1 (overcast). */
  clouds: number;
  seed: number;
}

const DEG = Math.PI / 180;
const CLOUD_STEP_S = 600;

/** Day of year (1..366) and solar hour (0..24) of a Unix time, UTC taken as solar time. */
export function dayAndHour(unixS: number): { day: number; hour: number } {
  const d = new Date(unixS * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1) / 1000;
  return { day: Math.floor((unixS - start) / 86400) + 1, hour: (unixS % 86400) / 3600 };
}

/** sin(solar elevation) at a latitude, day of year and solar hour; ≤ 0 at night. */
export function sinElevation(latitude: number, day: number, hour: number): number {
  const decl = 23.44 * DEG * Math.sin((2 * Math.PI * (284 + day)) / 365);
  const phi = latitude * DEG;
  const h = (hour - 12) * 15 * DEG;
  return Math.sin(phi) * Math.sin(decl) + Math.cos(phi) * Math.cos(decl) * Math.cos(h);
}

/** Clear-sky irradiance relative to 1000 W/m² (0..~1). */
export function clearSky(sinE: number): number {
  if (sinE <= 0.01) return 0;
  const airMass = 1 / sinE;
  return (sinE * Math.pow(0.7, Math.pow(airMass, 0.678))) / 0.7;
}

export class Sky {
  private readonly rand: () => number;
  private cover: number;
  private coverAt = -Infinity;

  constructor(private readonly o: SkyOptions) {
    this.rand = prng(o.seed ^ 0x51c0);
    this.cover = o.clouds;
  }

  /** Cloud cover now; advances the random walk in 10-minute steps (call with rising times). */
  cloudCover(unixS: number): number {
    if (this.coverAt === -Infinity) this.coverAt = unixS;
    while (unixS - this.coverAt >= CLOUD_STEP_S) {
      this.coverAt += CLOUD_STEP_S;
      const pull = 0.15 * (this.o.clouds - this.cover);
      const kick = (this.rand() - 0.5) * 0.5 * Math.sqrt(this.o.clouds * (1 - this.o.clouds) + 0.02);
      this.cover = Math.min(1, Math.max(0, this.cover + pull + kick));
    }
    return this.cover;
  }

  /** Irradiance relative to 1000 W/m² at a Unix time, clouds included. */
  irradiance(unixS: number): number {
    const { day, hour } = dayAndHour(unixS);
    const clear = clearSky(sinElevation(this.o.latitude, day, hour));
    const c = this.cloudCover(unixS);
    return clear * (1 - 0.75 * Math.pow(c, 3.4));
  }
}
