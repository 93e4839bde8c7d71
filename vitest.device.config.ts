import { defineConfig } from "vitest/config";

/**
 * The real-interpreter tier (issue 9): bundles on Linux builds of the real Espruino in
 * ../shared/espruino/ (or SOLKIT_ESPRUINO). One file at a time: two busy interpreters plus
 * the gateway on a 2-core machine made the small-profile boards and the kill -9 phase miss
 * their waits (seen in a full CI-like run, retry included). About 17 minutes in all.
 */
export default defineConfig({
  test: {
    include: ["test/device/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
