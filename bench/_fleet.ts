import { ensureFirmware } from "../simulator/scenario/artifact";
import { runFleet } from "../simulator/scenario/fleet";
const n = Number(process.argv[2] ?? 200);
const fw = (await ensureFirmware("esp32-devkitc")).code;
const r = await runFleet({ firmware: fw, board: "esp32-devkitc", devices: n, durationMs: 3_600_000, host: "light", threads: Number(process.argv[3] ?? 1) });
console.log(JSON.stringify({ n, setupS: r.setupMs / 1000, runS: r.runMs / 1000, speedup: r.speedup, heapMB: r.heapBytesPerBoard / 1e6, rssMB: r.rssBytesPerBoard / 1e6, verified: r.verified }));
