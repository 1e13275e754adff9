import { defineConfig } from 'vitest/config';

// Integration tests share one broker: run files one after another.
export default defineConfig({ test: { fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 } });
