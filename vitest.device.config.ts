import { defineConfig } from "vitest/config";

/**
 * The real-interpreter tier (issue 9): bundles on Linux builds of the real Espruino in
 * ../shared/espruino/ (or SOLKIT_ESPRUINO). One file at a time: each board is a busy
 * interpreter process, and the figures they print (longest block, memory) should not be
 * measured against another board's signing on a 2-core machine.
 */
export default defineConfig({
  test: {
    include: ["test/device/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
