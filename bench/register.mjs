// `npm run bench` loads the TypeScript sources through the same hooks as the solkit command
// (bin/ts-hooks.mjs), so the bench measures the code as users run it. tsx transforms with
// esbuild's keepNames (a __name() call around named functions and classes), which the product
// does not: under tsx the gateway's p99 at 3,000 readings/s read 34–40 ms, through these hooks
// 12–19 ms (same machine, same hour).
import { register } from "node:module";

register("../bin/ts-hooks.mjs", import.meta.url);
