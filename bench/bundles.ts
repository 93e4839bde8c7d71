/** Bundle sizes of shared/ for each target: what the portable code costs a board's flash. */
import type { Row } from "./harness";
import { sharedBundleSizes } from "../scripts/build-shared";

export async function bundleRows(): Promise<Row[]> {
  const s = await sharedBundleSizes();
  const section = "bundles";
  return [
    { section, name: "shared/ for Espruino (minified)", value: s.espruino.bytes, unit: "bytes", ratio: 1 },
    { section, name: "shared/ for Espruino, gzip", value: s.espruino.gzip, unit: "bytes", ratio: s.espruino.gzip / s.espruino.bytes },
    { section, name: "shared/ for Lua 5.3", value: s.lua.bytes, unit: "bytes", ratio: s.lua.bytes / s.espruino.bytes, note: "ratio to the Espruino bundle" },
    { section, name: "shared/ for Lua 5.3, gzip", value: s.lua.gzip, unit: "bytes", ratio: s.lua.gzip / s.lua.bytes },
  ];
}
