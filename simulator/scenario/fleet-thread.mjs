// One shard of a fleet on its own thread (fleet.ts, `threads`): the TypeScript sources load
// through the same module hooks as the solkit command, so this runs under the CLI, tsx and
// vitest alike. Posts the shard's FleetResult, or an error message.
import { register } from "node:module";
import { parentPort, workerData } from "node:worker_threads";

register("../../bin/ts-hooks.mjs", import.meta.url);
try {
  const { runFleet } = await import("./fleet.ts");
  // Booted, then wait for the parent's "go": every shard's span starts together.
  const go = new Promise((resolve) => parentPort.on("message", (m) => m && m.go && resolve()));
  const onBooted = () => parentPort.postMessage({ booted: true });
  parentPort.postMessage({ ok: true, result: await runFleet({ ...workerData, onBooted, ready: () => go }) });
} catch (e) {
  parentPort.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
}
