import { defineConfig } from "vitest/config";

/**
 * The real-interpreter tier (issue 9): bundles on Linux builds of the real Espruino in
 * ../shared/espruino/ (or SOLKIT_ESPRUINO). Two files at a time (one interpreter each, on a
 * 2-core machine): the tier fits CI's time, and nothing here asserts on wall-clock time —
 * the printed block figures are for people; the bench measures time on a quiet interpreter.
 */
export default defineConfig({
  test: {
    include: ["test/device/**/*.test.ts"],
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
