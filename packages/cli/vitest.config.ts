import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The CLI tests spawn the built binary: build it once first.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
